// End to end: the real deploy ramdisk (Debian kernel + busybox agent) in QEMU (TCG) writes an image
// served by a protocol peer on 127.0.0.1 (QEMU's user network reaches it as 10.0.2.2), and the disk
// then boots. The peer is a fixture of the agent protocol, not the manager.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRamdisk, installRamdisk, type RamdiskArtifacts } from '../../drivers/agent/ramdisk-build.js';
import { IpxeBoot } from '../../drivers/ipxe/boot.js';
import { deployKernelArgs } from '../../drivers/ipxe/scripts.js';
import type { AgentCommand, AgentHeartbeat, Task } from '../../drivers/types.js';
import { buildTestImage, type TestImage } from '../../lab/image.js';
import {
  consoleOffset,
  createDisk,
  destroyVm,
  powerOn,
  setBootDevice,
  waitForConsole,
  waitForPowerOff,
  writeVmConfig,
  type VmLab,
} from '../../lab/vm.js';

const MARKER = 'IRONPLAN-INSTANCE-BOOTED-7f3a';
const NODE_UUID = '3f9d2c1e-8a4b-4c6d-9e0f-1a2b3c4d5e6f';
const CHUNK = 4 << 20;
/** The checksum-mismatch case writes only this much: its detection does not depend on the size. */
const SMALL = 1 << 20;

interface Seen extends AgentHeartbeat {
  at: number;
}

/** Speaks the agent protocol (lookup, heartbeat) and serves images and boot files. */
class AgentPeer {
  readonly token = `tok-${randomBytes(8).toString('hex')}`;
  readonly heartbeats: Seen[] = [];
  lookups = 0;
  /** The boot_id each lookup gave (the ramdisk reads it from ipa-boot-id= on its command line). */
  bootIds: Array<string | null> = [];
  lookupsBeforeFound = 0;
  decide: (hb: AgentHeartbeat) => AgentCommand = () => ({ command: 'wait', heartbeat_interval: 1 });
  badRequests: string[] = [];
  private waiters: Array<{ pred: (hb: Seen) => boolean; resolve: (hb: Seen) => void }> = [];
  private server: Server;
  port = 0;

  constructor(
    private readonly mac: string,
    private readonly image: Buffer,
    private readonly bootRoot: string,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  get guestUrl(): string {
    return `http://10.0.2.2:${this.port}`;
  }

  waitFor(pred: (hb: Seen) => boolean, timeoutMs: number): Promise<Seen> {
    const seen = this.heartbeats.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching heartbeat in ${timeoutMs} ms; seen: ${JSON.stringify(this.heartbeats)}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (hb) => { clearTimeout(t); resolve(hb); } });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://peer');
    if (req.method === 'GET' && url.pathname === '/v1/lookup') {
      this.lookups++;
      this.bootIds.push(url.searchParams.get('boot_id'));
      if (url.searchParams.get('addresses') !== this.mac || this.lookups <= this.lookupsBeforeFound) {
        res.writeHead(404).end('{"error":"not found"}');
        return;
      }
      const token = this.lookups === this.lookupsBeforeFound + 1 ? this.token : '******';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ node: { instance_uuid: null, uuid: NODE_UUID, properties: {} }, config: { agent_token: token, heartbeat_timeout: 300 } }));
      return;
    }
    const hbPath = /^\/v1\/heartbeat\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && hbPath) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      if (hbPath[1] !== NODE_UUID || !/^application\/json/.test(req.headers['content-type'] ?? '') || raw.includes('\n')) {
        this.badRequests.push(`${req.headers['content-type']} ${raw}`);
      }
      const body = JSON.parse(raw) as AgentHeartbeat;
      if (body.agent_token !== this.token) {
        res.writeHead(401).end('{"error":"bad token"}');
        return;
      }
      const hb: Seen = { ...body, at: Date.now() };
      this.heartbeats.push(hb);
      const reply = this.decide(body);
      for (const w of [...this.waiters]) {
        if (w.pred(hb)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(hb);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/images/small.raw') {
      const small = this.image.subarray(0, SMALL);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': small.length }).end(small);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/images/good.raw') {
      // Paced so that the write lasts a few heartbeat intervals and progress is observable.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': this.image.length });
      for (let off = 0; off < this.image.length; off += CHUNK) {
        if (!res.write(this.image.subarray(off, off + CHUNK))) await new Promise((r) => res.once('drain', r));
        await new Promise((r) => setTimeout(r, 300));
      }
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith('/boot/')) {
      const rel = normalize(decodeURIComponent(url.pathname.slice('/boot/'.length)));
      const file = join(this.bootRoot, rel);
      if (rel.startsWith('..') || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      const data = await readFile(file);
      res.writeHead(200, { 'content-length': data.length }).end(data);
      return;
    }
    res.writeHead(404).end();
  }
}

async function diskHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    await fh.read(buf, 0, n, 0);
    return buf;
  } finally {
    await fh.close();
  }
}

function fakeTask(bootRoot: string, apiUrl: string, mac: string, driverInfo: Record<string, unknown>): Task {
  const noop = (): void => {};
  return {
    node: { uuid: NODE_UUID, driver_info: driverInfo, driver_internal_info: { agent_boot_id: 'e2e-boot-1' } },
    ports: [{ uuid: 'p1', node_uuid: NODE_UUID, address: mac, pxe_enabled: true, extra: {}, created_at: '', updated_at: null }],
    log: { debug: noop, info: noop, warn: noop, error: noop },
    settings: { apiUrl, bootRoot, deployCallbackTimeoutSec: 600, stateDir: bootRoot },
  } as unknown as Task;
}

const timings: Record<string, number> = {};

describe('deploy ramdisk agent in QEMU', () => {
  let work: string;
  let ramdisk: RamdiskArtifacts;
  let image: TestImage;
  let imageBytes: Buffer;
  const labs: VmLab[] = [];
  const peers: AgentPeer[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ironplan-agent-e2e-'));
    let t = Date.now();
    // A cache shared between runs keeps local iterations fast; CI starts cold.
    ramdisk = await buildRamdisk({ cacheDir: process.env.IRONPLAN_RAMDISK_CACHE ?? join(tmpdir(), 'ironplan-ramdisk-cache') });
    timings[`ramdisk build (${ramdisk.reused ? 'warm' : 'cold'})`] = Date.now() - t;
    t = Date.now();
    image = await buildTestImage({ dir: work, marker: MARKER, kernel: ramdisk.kernel, busybox: ramdisk.busybox });
    timings['test image build'] = Date.now() - t;
    imageBytes = await readFile(image.path);
  }, 120_000);

  afterAll(async () => {
    for (const lab of labs) await destroyVm(lab, { keepState: true });
    for (const p of peers) await p.stop();
    if (work && !process.env.IRONPLAN_KEEP_E2E) await rm(work, { recursive: true, force: true });
    console.log('timings (ms):', timings);
  });

  it('reports failures, then writes and verifies the image, powers off, and the disk boots', async () => {
    const mac = '52:54:00:a1:b2:c3';
    const peer = new AgentPeer(mac, imageBytes, join(work, 'boot-unused'));
    peers.push(peer);
    await peer.start();
    peer.lookupsBeforeFound = 1; // the agent must retry a 404 lookup
    const disk = join(work, 'disk1.raw');
    await createDisk(disk, 64 << 20);
    const lab = await writeVmConfig({
      stateDir: join(work, 'vm1'),
      disk,
      mac,
      kernel: ramdisk.kernel,
      initrd: ramdisk.initrd,
      append: deployKernelArgs({ apiUrl: peer.guestUrl, mac }),
    });
    labs.push(lab);

    const good = `${peer.guestUrl}/images/good.raw`;
    const wrongSum = `sha256:${'0'.repeat(64)}`;
    const rightSum = `sha256:${image.sha256}`;
    let phase: 'nodisk' | 'missing' | 'mismatch' | 'good' | 'done' = 'nodisk';
    peer.decide = (hb) => {
      if (hb.agent_status === 'busy') return { command: 'wait', heartbeat_interval: 1 };
      if (phase === 'nodisk' && hb.agent_status === 'ready') {
        return { command: 'write_image', image_url: good, image_checksum: rightSum, root_device: '/dev/vdz', heartbeat_interval: 1 };
      }
      if (phase === 'nodisk' && hb.agent_status === 'failed') {
        phase = 'missing';
        return { command: 'write_image', image_url: `${peer.guestUrl}/images/missing.raw`, image_checksum: rightSum, root_device: '/dev/vda', heartbeat_interval: 1 };
      }
      if (phase === 'missing' && hb.agent_status === 'failed') {
        phase = 'mismatch';
        return { command: 'write_image', image_url: `${peer.guestUrl}/images/small.raw`, image_checksum: wrongSum, root_device: '/dev/vda', heartbeat_interval: 1 };
      }
      if (phase === 'mismatch' && hb.agent_status === 'failed') {
        phase = 'good';
        return { command: 'write_image', image_url: good, image_checksum: rightSum, root_device: '/dev/vda', heartbeat_interval: 1 };
      }
      if (phase === 'good' && hb.agent_status === 'written') {
        phase = 'done';
        return { command: 'poweroff', heartbeat_interval: 1 };
      }
      return { command: 'wait', heartbeat_interval: 1 };
    };

    await setBootDevice(lab, 'pxe');
    const t0 = Date.now();
    await powerOn(lab);
    const ready = await peer.waitFor((hb) => hb.agent_status === 'ready', 60_000);
    timings['VM start to first heartbeat (ready)'] = ready.at - t0;
    expect(peer.lookups).toBeGreaterThanOrEqual(2);
    expect(ready.agent_version).toBe('ironplan-agent 1');

    const nodisk = await peer.waitFor((hb) => hb.agent_status === 'failed', 30_000);
    expect(nodisk.error).toBe('root device /dev/vdz not found');

    const missing = await peer.waitFor((hb) => hb.agent_status === 'failed' && hb !== nodisk, 30_000);
    expect(missing.error).toMatch(/download .*missing\.raw failed/);

    const mismatch = await peer.waitFor((hb) => hb.agent_status === 'failed' && hb !== missing && hb !== nodisk, 60_000);
    expect(mismatch.error).toMatch(/checksum mismatch/);
    const smallSum = `sha256:${createHash('sha256').update(imageBytes.subarray(0, SMALL)).digest('hex')}`;
    expect(mismatch.error).toContain(`expected ${wrongSum}, computed ${smallSum}`);
    expect(mismatch.image_checksum_computed).toBe(smallSum);
    expect(mismatch.bytes_written).toBe(SMALL);

    const failedAt = mismatch.at;
    const written = await peer.waitFor((hb) => hb.agent_status === 'written', 60_000);
    timings['write + verify of the 32 MiB image'] = written.at - failedAt;
    expect(written.image_checksum_computed).toBe(rightSum);
    expect(written.bytes_written).toBe(image.size);
    expect(written.bytes_total).toBe(image.size);
    const progress = peer.heartbeats.filter((hb) => hb.agent_status === 'busy' && hb.at > failedAt);
    expect(progress.some((hb) => (hb.bytes_written ?? 0) > 0 && (hb.bytes_written ?? 0) < image.size)).toBe(true);
    expect(peer.badRequests).toEqual([]);

    await waitForPowerOff(lab, 30_000);
    const head = await diskHead(disk, image.size);
    expect(createHash('sha256').update(head).digest('hex')).toBe(image.sha256);

    await setBootDevice(lab, 'default');
    const since = await consoleOffset(lab);
    const t1 = Date.now();
    await powerOn(lab);
    await waitForConsole(lab, MARKER, { since, timeoutMs: 60_000 });
    timings['disk boot to marker'] = Date.now() - t1;
    await waitForPowerOff(lab, 20_000);
  }, 240_000);

  it('network-boots through iPXE (boot.ipxe -> per-MAC script), deploys, then boots the disk through iPXE', async () => {
    const mac = '52:54:00:d4:e5:f6';
    const bootRoot = join(work, 'bootroot');
    await installRamdisk(ramdisk, bootRoot);
    const peer = new AgentPeer(mac, imageBytes, bootRoot);
    peers.push(peer);
    await peer.start();
    const boot = new IpxeBoot();
    const task = fakeTask(bootRoot, peer.guestUrl, mac, { deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz' });
    await boot.prepareRamdisk(task);

    const disk = join(work, 'disk2.raw');
    await createDisk(disk, 64 << 20);
    const lab = await writeVmConfig({ stateDir: join(work, 'vm2'), disk, mac, bootfile: `${peer.guestUrl}/boot/boot.ipxe` });
    labs.push(lab);
    // This run checks the sha512 path of the agent; the other one sha256.
    const sha512 = `sha512:${createHash('sha512').update(imageBytes).digest('hex')}`;
    peer.decide = (hb) => {
      if (hb.agent_status === 'ready') {
        return { command: 'write_image', image_url: `${peer.guestUrl}/images/good.raw`, image_checksum: sha512, root_device: '/dev/vda', heartbeat_interval: 1 };
      }
      if (hb.agent_status === 'written' || hb.agent_status === 'failed') return { command: 'poweroff', heartbeat_interval: 1 };
      return { command: 'wait', heartbeat_interval: 1 };
    };

    await setBootDevice(lab, 'pxe');
    const t0 = Date.now();
    await powerOn(lab);
    const ready = await peer.waitFor((hb) => hb.agent_status === 'ready', 90_000);
    timings['iPXE: VM start to first heartbeat'] = ready.at - t0;
    // The boot configuration carried this boot's id to the agent, which gives it back on lookup.
    expect(peer.bootIds).toContain('e2e-boot-1');
    const done = await peer.waitFor((hb) => hb.agent_status === 'written' || hb.agent_status === 'failed', 60_000);
    expect(done.error).toBeUndefined();
    expect(done.image_checksum_computed).toBe(sha512);
    await waitForPowerOff(lab, 30_000);

    // Like Ironic's iPXE local boot: the boot device stays pxe, the node's script now says "disk".
    await boot.prepareInstance(task);
    const since = await consoleOffset(lab);
    const t1 = Date.now();
    await powerOn(lab);
    await waitForConsole(lab, MARKER, { since, timeoutMs: 60_000 });
    timings['iPXE local boot to marker'] = Date.now() - t1;
  }, 240_000);
});
