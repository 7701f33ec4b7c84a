// The emulated lab's full cycle: a QEMU VM plays the server, ipmi_sim its BMC. ironplan enrolls the BMC
// as an `ipmi` node and deploys a bootable image through its HTTP API; the VM network-boots our ramdisk
// over iPXE, the agent writes and verifies the image, and the VM then boots from its own disk and prints
// a marker on its serial console. Every phase is timed. With `clean`, the node is then undeployed with
// automated cleaning: the VM boots the ramdisk again and the agent erases the disk's metadata.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { buildRamdisk, installRamdisk } from '../drivers/agent/ramdisk-build.js';
import { sha256File } from '../drivers/agent/ramdisk-debs.js';
import type { Event } from '../engine/generated/event.js';
import type { NodeRecord } from '../contract/generated/node-record.js';
import { buildTestImage } from './image.js';
import { SYSTEMD_BOOT_EFI } from '../engine/images/vmedia-iso.js';
import { startLabService, type LabService } from './service.js';
import { startBmc, type RunningBmc } from './bmc.js';
import { createDisk, destroyVm, readConsole, waitForConsole, writeVmConfig, type VmLab } from './vm.js';

export interface LabOptions {
  /** Ramdisk cache shared between runs (the kernel and busybox downloads). */
  cacheDir?: string;
  /** Keep the work directory (console log, BMC state) for inspection. */
  keep?: boolean;
  print?: (line: string) => void;
  /** Deploy through this callback instead of the HTTP API (e.g. terraform apply); gets the enrolled node's details. */
  deploy?: (ctx: LabContext) => Promise<void>;
  /** Runs once the deployed VM has printed its marker, while everything still runs (e.g. terraform destroy). */
  after?: (ctx: LabContext) => Promise<void>;
  /** After the marker: undeploy with automated cleaning and check the disk's metadata was erased. */
  clean?: boolean;
  /** After cleaning: manage and inspect the node in band (the agent reports CPUs, memory, disk, arch). */
  inspect?: boolean;
  /**
   * Run ironplan as `ironplan api` + `ironplan manager` processes on a PostgreSQL of their own (the
   * manager serving its boot files, the API redirecting the VM to it) instead of in this process.
   */
  split?: boolean;
  /** The VM's firmware: bios (SeaBIOS, default) or uefi (OVMF; the node gets capabilities boot_mode:uefi). */
  firmware?: 'bios' | 'uefi';
  /**
   * Deploy the test image as qcow2 (the manager verifies, converts it to raw and serves the conversion)
   * instead of raw. In-process lab only (the manager fetches it from the API's boot route).
   */
  qcow2?: boolean;
  /** Deploy with a config drive naming the instance this; the deployed image prints `hostname=<it>`. */
  hostname?: string;
  /** Starts the VM's BMC (default: vm-chassis.sh under ipmi_sim; cycle-redfish.ts: the lab Redfish BMC). */
  machine?: (env: LabMachineEnv) => Promise<LabMachine>;
}

/** What a lab's machine is made from. */
export interface LabMachineEnv {
  work: string;
  disk: string;
  mac: string;
  firmware: 'bios' | 'uefi';
  guestApiUrl: string;
  /** The BMC's password (random per run). */
  password: string;
}

/** A VM and the BMC that controls it, as the cycle drives them. */
export interface LabMachine {
  bmc: LabContext['bmc'];
  /** The VM's serial console (read through lab/vm.ts). */
  vm: VmLab;
  /** The node the HTTP API cycle enrolls for it (driver, driver_info but the boot files, interfaces...). */
  node: Record<string, unknown>;
  /** What the phase line names it by. */
  label: string;
  /** Static network for the config drive (network_data): the virtual-media ISO gives it to the agent. */
  networkData?: Record<string, unknown>;
  stop(): Promise<void>;
}

export interface LabContext {
  apiUrl: string;
  /** What the VM uses to reach the API (QEMU user networking maps 10.0.2.2 to the host's loopback). */
  guestApiUrl: string;
  bmc: { address: string; port: number; username: string; password: string };
  mac: string;
  image: { url: string; checksum: string; size: number; disk_format: 'raw' | 'qcow2' };
  firmware: 'bios' | 'uefi';
  hostname?: string;
  bootFiles: { deploy_kernel: string; deploy_ramdisk: string };
  /** The node the HTTP API cycle enrolls (LabMachine.node). */
  node: Record<string, unknown>;
  networkData?: Record<string, unknown>;
}

export interface LabResult {
  phases: Array<{ name: string; seconds: number }>;
  cycleSeconds: number;
  marker: string;
  /** What the deployed system printed as `hostname=...` (from its config drive). */
  hostname: string | null;
  /** The VM's serial console from power on to the marker (firmware, ramdisk, deployed system). */
  console: string;
  finalState: string;
  /** With `clean`: the state after the undeploy, and whether both ends of the disk read as zeros. */
  cleaned?: { state: string; diskHeadZero: boolean; diskTailZero: boolean; seconds: number };
  /** With `inspect`: the state after inspection and the node's properties. */
  inspected?: { state: string; properties: Record<string, unknown>; seconds: number };
}

const execFileAsync = promisify(execFile);
const MARKER_PREFIX = 'IRONPLAN-LAB-DEPLOYED';
/** Sparse: 2 GiB, so inspection has a disk size in whole GiB to report. */
export const LAB_DISK_BYTES = 2 * 1024 ** 3;
/** QEMU's memory for the lab VM (vm-chassis.sh's default). */
export const LAB_VM_MEMORY_MB = 512;

export async function api<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-openstack-ironic-api-version': 'latest' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function runLabCycle(opts: LabOptions = {}): Promise<LabResult> {
  const print = opts.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  const work = await mkdtemp(join(tmpdir(), 'ironplan-lab-'));
  const cacheDir = opts.cacheDir ?? process.env.IRONPLAN_RAMDISK_CACHE ?? join(tmpdir(), 'ironplan-ramdisk-cache');
  const phases: LabResult['phases'] = [];
  let mark = Date.now();
  const phase = (name: string) => {
    const now = Date.now();
    phases.push({ name, seconds: (now - mark) / 1000 });
    print(`  ${name}: ${((now - mark) / 1000).toFixed(1)} s`);
    mark = now;
  };
  let service: LabService | undefined;
  let machine: LabMachine | undefined;
  try {
    print(`lab: preparing (ramdisk, test image)${opts.split ? '; ironplan as separate API and manager processes on PostgreSQL' : ''}`);
    if (opts.split && (opts.clean || opts.inspect)) throw new Error('the split lab runs the deploy cycle only (a separate manager keeps its cleaning setting)');
    if (opts.firmware === 'uefi' && !existsSync(SYSTEMD_BOOT_EFI)) {
      throw new Error(`the UEFI lab's image boots through systemd-boot: ${SYSTEMD_BOOT_EFI} is missing (Debian package systemd-boot-efi)`);
    }
    const ramdisk = await buildRamdisk({ cacheDir });
    const marker = `${MARKER_PREFIX}-${Date.now().toString(36)}`;
    const image = await buildTestImage({ dir: work, marker, cacheDir });
    const bootRoot = join(work, 'boot');
    await installRamdisk(ramdisk, bootRoot);
    await mkdir(join(bootRoot, 'images'), { recursive: true });
    let served = { name: 'lab.raw', checksum: `sha256:${image.sha256}` };
    if (opts.qcow2) {
      if (opts.split) throw new Error('the qcow2 lab runs in process (its manager fetches the image from the API)');
      const qcow2 = join(bootRoot, 'images', 'lab.qcow2');
      await execFileAsync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', image.path, qcow2]);
      served = { name: 'lab.qcow2', checksum: `sha256:${await sha256File(qcow2)}` };
    } else {
      await copyFile(image.path, join(bootRoot, 'images', 'lab.raw'));
    }
    phase('prepare (ramdisk build or cache, test image)');

    service = await startLabService({ work, bootRoot, split: opts.split === true });
    const { apiUrl, guestApiUrl, guestBootUrl } = service;

    const mac = '52:54:00:1a:b0:01';
    const diskPath = join(work, 'disk.raw');
    await createDisk(diskPath, LAB_DISK_BYTES);
    // Old data at the end of the disk, where a GPT keeps its backup header: the image does not reach it,
    // so only cleaning can erase it.
    await fillTail(diskPath, 0xa5);
    const firmware = opts.firmware ?? 'bios';
    const password = `lab-${Math.random().toString(36).slice(2, 10)}`;
    machine = await (opts.machine ?? ipmiMachine)({ work, disk: diskPath, mac, firmware, guestApiUrl, password });
    const { vm } = machine;
    print(`lab: the VM's BMC: ${machine.label}`);
    phase('start ironplan, BMC and VM');

    const ctx: LabContext = {
      apiUrl,
      guestApiUrl,
      bmc: machine.bmc,
      mac,
      // The manager fetches a qcow2 itself (from the host side) and serves the raw conversion to the VM.
      image: {
        url: `${opts.qcow2 ? apiUrl : guestBootUrl}/boot/images/${served.name}`,
        checksum: served.checksum,
        size: image.size,
        disk_format: opts.qcow2 ? 'qcow2' : 'raw',
      },
      firmware,
      hostname: opts.hostname,
      bootFiles: { deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz' },
      node: machine.node,
      networkData: machine.networkData,
    };
    const cycleStart = Date.now();
    if (opts.deploy) await opts.deploy(ctx);
    else await deployThroughApi(ctx, print);
    const node = (await api<{ nodes: NodeRecord[] }>(apiUrl, 'GET', '/v1/nodes/detail')).nodes[0]!;
    if (node.provision_state !== 'active') throw new Error(`deploy ended in ${node.provision_state}: ${node.last_error ?? ''}`);
    const active = Date.now();
    const since = 0;
    const consoleText = await waitForConsole(vm, marker, { timeoutMs: 120_000, since });
    const booted = Date.now();
    const hostname = /hostname=([^\r\n]*)/.exec(consoleText)?.[1] ?? null;
    print(`  the deployed system says hostname=${hostname ?? '(nothing)'}`);
    for (const p of await deployPhases(apiUrl, node.uuid, { cycleStart, active, booted })) {
      phases.push(p);
      print(`  ${p.name}: ${Number.isNaN(p.seconds) ? 'n/a' : `${p.seconds.toFixed(1)} s`}`);
    }
    const cycleSeconds = (booted - cycleStart) / 1000;
    phases.push({ name: 'full cycle (enroll to marker)', seconds: cycleSeconds });
    print(`lab: full cycle ${cycleSeconds.toFixed(1)} s (reference: the bare hand-built lab did it in 23-27 s)`);
    if (opts.after) await opts.after(ctx);
    let cleaned: LabResult['cleaned'];
    if (opts.clean) {
      const before = await diskEnds(diskPath);
      if (before.headZero || before.tailZero) throw new Error('the disk holds zeros at an end before cleaning: the check would prove nothing');
      service.setAutomatedClean!(true);
      const t0 = Date.now();
      await api(apiUrl, 'PUT', `/v1/nodes/${node.uuid}/states/provision?wait=300`, { target: 'deleted' });
      const after = await settled(apiUrl, node.uuid, ['available', 'clean failed', 'error'], 300_000);
      const ends = await diskEnds(diskPath);
      cleaned = { state: after.provision_state, diskHeadZero: ends.headZero, diskTailZero: ends.tailZero, seconds: (Date.now() - t0) / 1000 };
      print(`  undeploy with automated cleaning (ramdisk boot, agent erases disk metadata): ${cleaned.seconds.toFixed(1)} s -> ${after.provision_state}${after.last_error ? ` (${after.last_error})` : ''}`);
      print(`  disk after cleaning: first MiB ${ends.headZero ? 'zeroed' : 'NOT zeroed'}, last MiB ${ends.tailZero ? 'zeroed' : 'NOT zeroed'}`);
      phases.push({ name: 'undeploy with automated cleaning', seconds: cleaned.seconds });
    }
    let inspected: LabResult['inspected'];
    if (opts.inspect) {
      if (!cleaned) throw new Error('the lab inspects after cleaning: pass clean as well');
      const t0 = Date.now();
      await api(apiUrl, 'PUT', `/v1/nodes/${node.uuid}/states/provision?wait=60`, { target: 'manage' });
      await api(apiUrl, 'PUT', `/v1/nodes/${node.uuid}/states/provision`, { target: 'inspect' });
      const after = await settled(apiUrl, node.uuid, ['manageable', 'inspect failed'], 300_000);
      inspected = { state: after.provision_state, properties: after.properties as Record<string, unknown>, seconds: (Date.now() - t0) / 1000 };
      print(`  inspection in band (ramdisk boot, agent inventory): ${inspected.seconds.toFixed(1)} s -> ${after.provision_state}${after.last_error ? ` (${after.last_error})` : ''}`);
      print(`  inspected properties: ${JSON.stringify(after.properties)}`);
      phases.push({ name: 'inspection', seconds: inspected.seconds });
    }
    return { phases, cycleSeconds, marker, hostname, console: consoleText, finalState: node.provision_state, cleaned, inspected };
  } catch (err) {
    if (machine) print(`lab: console log tail:\n${(await readConsole(machine.vm).catch(() => '')).slice(-3000)}`);
    throw err;
  } finally {
    await machine?.stop().catch(() => {});
    await service?.close().catch(() => {});
    if (!opts.keep) await rm(work, { recursive: true, force: true });
    else print(`lab: kept ${work}`);
  }
}

/** The IPMI lab: vm-chassis.sh (QEMU, network boot through the bootfile QEMU's DHCP hands out) under ipmi_sim. */
async function ipmiMachine(env: LabMachineEnv): Promise<LabMachine> {
  const vm = await writeVmConfig({ stateDir: join(env.work, 'vm'), disk: env.disk, mac: env.mac, bootfile: `${env.guestApiUrl}/boot/boot.ipxe`, firmware: env.firmware });
  let bmc: RunningBmc;
  try {
    bmc = await startBmc({ chassisControl: vm.chassisControl, stateDir: join(env.work, 'bmc'), username: 'admin', password: env.password });
  } catch (err) {
    await destroyVm(vm).catch(() => {});
    throw err;
  }
  return {
    bmc: { address: bmc.address, port: bmc.port, username: 'admin', password: env.password },
    vm,
    label: 'BMC (ipmi_sim) and VM chassis',
    node: {
      driver: 'ipmi',
      driver_info: { ipmi_address: bmc.address, ipmi_port: bmc.port, ipmi_username: 'admin', ipmi_password: env.password },
    },
    async stop() {
      await bmc.stop().catch(() => {});
      await destroyVm(vm);
    },
  };
}

/**
 * The deploy's phases from the events' own times (recorded with each change, in whichever process made
 * it), with `cycleStart` (before enrolling), `active` (seen active) and `booted` (the marker seen); NaN
 * where an event is missing.
 */
export async function deployPhases(apiUrl: string, nodeUuid: string, t: { cycleStart: number; active: number; booted: number }): Promise<LabResult['phases']> {
  const times = new Map<string, number>();
  for (const e of (await api<{ events: Event[] }>(apiUrl, 'GET', `/v1/events?format=json&node=${nodeUuid}`)).events) {
    const keys = e.type === 'provision' ? [`provision:${e.to}`, `verb:${e.verb}`] : e.type === 'progress' ? [`progress:${e.verb}`] : [];
    for (const key of keys) if (!times.has(key)) times.set(key, Date.parse(e.time));
  }
  const at = (k: string) => times.get(k);
  const rel = (a?: number, b?: number) => (a && b ? (b - a) / 1000 : Number.NaN);
  return [
    { name: 'enroll + manage + provide', seconds: rel(t.cycleStart, at('provision:deploying')) },
    { name: 'image preparation, ramdisk boot set up, power on (deploying to wait call-back)', seconds: rel(at('provision:deploying'), at('provision:wait call-back')) },
    { name: "power on to ramdisk agent's first heartbeat", seconds: rel(at('provision:wait call-back'), at('progress:ready') ?? at('progress:busy')) },
    { name: 'image write + verify (agent ready to verified)', seconds: rel(at('progress:ready'), at('verb:resume')) },
    { name: 'boot from disk set, power cycle (verified to active)', seconds: rel(at('verb:resume'), t.active) },
    { name: 'deploy (deploying -> active)', seconds: rel(at('provision:deploying'), t.active) },
    { name: 'disk boot to marker on the serial console', seconds: rel(t.active, t.booted) },
  ];
}

/** The node once unlocked in one of `states`, read through the API. */
async function settled(apiUrl: string, uuid: string, states: string[], timeoutMs: number): Promise<NodeRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await api<NodeRecord>(apiUrl, 'GET', `/v1/nodes/${uuid}`);
    if (n.reservation === null && states.includes(n.provision_state)) return n;
    if (Date.now() > deadline) throw new Error(`node ${uuid} did not reach ${states.join(' or ')} in ${timeoutMs} ms (now ${n.provision_state})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function fillTail(path: string, byte: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    await fh.write(Buffer.alloc(1 << 20, byte), 0, 1 << 20, size - (1 << 20));
  } finally {
    await fh.close();
  }
}

/** Whether the first and the last MiB of the VM's raw disk file are all zeros. */
async function diskEnds(path: string): Promise<{ headZero: boolean; tailZero: boolean }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const mib = 1 << 20;
    const read = async (at: number) => {
      const buf = Buffer.alloc(mib);
      await fh.read(buf, 0, mib, at);
      return buf.every((b) => b === 0);
    };
    return { headZero: await read(0), tailZero: await read(size - mib) };
  } finally {
    await fh.close();
  }
}

/** What an operator would do with the v1 API (the same calls the `baremetal` CLI makes). */
async function deployThroughApi(ctx: LabContext, print: (l: string) => void): Promise<void> {
  const enroll = ctx.node as { driver_info: Record<string, unknown> };
  const node = await api<{ uuid: string }>(ctx.apiUrl, 'POST', '/v1/nodes', {
    name: 'lab-node',
    ...enroll,
    driver_info: { ...enroll.driver_info, ...ctx.bootFiles },
    ...(ctx.firmware === 'uefi' ? { properties: { capabilities: 'boot_mode:uefi' } } : {}),
  });
  await api(ctx.apiUrl, 'POST', '/v1/ports', { node_uuid: node.uuid, address: ctx.mac });
  const waitFor = async (want: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const n = await api<{ provision_state: string; last_error: string | null; reservation: string | null }>(ctx.apiUrl, 'GET', `/v1/nodes/${node.uuid}`);
      if (n.provision_state !== last) print(`  node: ${n.provision_state}`);
      last = n.provision_state;
      if (n.provision_state === want && !n.reservation) return;
      if (/failed|error|^enroll$/.test(n.provision_state) && want !== 'enroll' && n.last_error) throw new Error(`node went to ${n.provision_state}: ${n.last_error}`);
      if (Date.now() > deadline) throw new Error(`node did not reach ${want} in ${timeoutMs} ms (now ${n.provision_state})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await api(ctx.apiUrl, 'PUT', `/v1/nodes/${node.uuid}/states/provision`, { target: 'manage' });
  await waitFor('manageable', 30_000);
  await api(ctx.apiUrl, 'PUT', `/v1/nodes/${node.uuid}/states/provision`, { target: 'provide' });
  await waitFor('available', 30_000);
  await api(ctx.apiUrl, 'PATCH', `/v1/nodes/${node.uuid}`, [
    { op: 'add', path: '/instance_info/image_source', value: ctx.image.url },
    { op: 'add', path: '/instance_info/image_checksum', value: ctx.image.checksum },
    { op: 'add', path: '/instance_info/image_disk_format', value: ctx.image.disk_format },
  ]);
  const configdrive =
    ctx.hostname || ctx.networkData
      ? { ...(ctx.hostname ? { meta_data: { hostname: ctx.hostname }, user_data: '#cloud-config\n' } : {}), ...(ctx.networkData ? { network_data: ctx.networkData } : {}) }
      : undefined;
  await api(ctx.apiUrl, 'PUT', `/v1/nodes/${node.uuid}/states/provision`, { target: 'active', ...(configdrive ? { configdrive } : {}) });
  await waitFor('active', 300_000);
}
