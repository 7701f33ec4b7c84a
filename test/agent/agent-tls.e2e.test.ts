// The deploy agent over HTTPS, for real: `ironplan serve --tls-cert --tls-key` (certificates made here with
// openssl; the server's names 10.0.2.2, the host as QEMU's user network shows it), the ramdisk built with a CA
// baked in, booted directly in QEMU. Given the right CA on its command line (ipa-api-ca=, over the baked-in
// one) the agent looks itself up, streams the image from the https boot route and the node goes active; with
// only the baked-in CA, which did not sign the server's certificate, it refuses the server and says why.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRamdisk, type RamdiskArtifacts } from '../../drivers/agent/ramdisk-build.js';
import { deployKernelArgs } from '../../drivers/ipxe/scripts.js';
import { tlsFetch } from '../../engine/secrets/tls.js';
import { freeTcpPort } from '../../lab/ports.js';
import { createDisk, destroyVm, powerOn, setBootDevice, waitForConsole, writeVmConfig, type VmLab } from '../../lab/vm.js';
import { startServe, type Served } from '../engine/serve-process.js';
import { issueServer, makeCa } from './agent-tls-pki.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('deploy agent over HTTPS in QEMU', () => {
  const work = join(tmpdir(), `ironplan-agent-tls-${process.pid}`);
  const cacheDir = process.env.IRONPLAN_RAMDISK_CACHE_TLS ?? join(tmpdir(), 'ironplan-ramdisk-cache-tls');
  let ramdisk: RamdiskArtifacts;
  let ca: { cert: string; key: string };
  let serve: Served | undefined;
  let endpoint: string;
  let guestApi: string;
  let images: Server;
  let imageUrl: string;
  let raw: Buffer;
  const labs: VmLab[] = [];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    mkdirSync(work, { recursive: true });
    ca = makeCa(work, 'ironplan-test-ca');
    const server = issueServer(work, ca);
    // The baked-in CA signed nothing here. It is kept beside the ramdisk cache so warm runs reuse the build.
    mkdirSync(cacheDir, { recursive: true });
    const wrongCa = join(cacheDir, 'unrelated-ca.crt');
    if (!existsSync(wrongCa)) makeCa(cacheDir, 'unrelated-ca');
    let t = Date.now();
    ramdisk = await buildRamdisk({ cacheDir, caFile: wrongCa });
    timings[`ramdisk build (${ramdisk.reused ? 'warm' : 'cold'})`] = Date.now() - t;

    raw = Buffer.alloc(4 << 20);
    randomBytes(1 << 20).copy(raw, 0);
    writeFileSync(join(work, 'img.raw'), raw);
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', join(work, 'img.raw'), join(work, 'img.qcow2')]);
    const qcow2 = readFileSync(join(work, 'img.qcow2'));
    // The manager fetches the source over plain HTTP on the host and serves the raw conversion on its https boot route.
    images = createServer((req, res) => (req.url === '/img.qcow2' ? res.end(qcow2) : res.writeHead(404).end()));
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
    imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/img.qcow2`;

    const port = await freeTcpPort();
    endpoint = `https://127.0.0.1:${port}`;
    guestApi = `https://10.0.2.2:${port}`;
    const bootRoot = join(work, 'boot');
    mkdirSync(bootRoot, { recursive: true });
    writeFileSync(join(bootRoot, 'k'), 'unused: the VM boots the ramdisk directly');
    writeFileSync(join(bootRoot, 'r'), 'unused');
    serve = await startServe(work, ['--boot-root', bootRoot, '--no-automated-clean', '--api-url', guestApi, '--tls-cert', server.cert, '--tls-key', server.key], port);
  }, 180_000);

  afterAll(async () => {
    for (const lab of labs) await destroyVm(lab);
    serve?.kill();
    images?.close();
    await rm(work, { recursive: true, force: true });
    console.log('timings (ms):', timings);
  });

  async function api(method: string, path: string, body?: unknown): Promise<Record<string, any>> {
    const res = await tlsFetch({ ca: ca.cert })(`${endpoint}${path}`, {
      method,
      headers: { 'x-openstack-ironic-api-version': 'latest', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, any>) : {};
  }

  async function waitNode(name: string, pred: (n: Record<string, any>) => boolean, timeoutMs: number): Promise<Record<string, any>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const n = await api('GET', `/v1/nodes/${name}`);
      if (pred(n)) return n;
      if (Date.now() > until) throw new Error(`node ${name} stayed ${n.provision_state} (${n.last_error ?? 'no error'})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** A node of the fake-hardware driver with the agent deploy, taken to `wait call-back` for a real agent. */
  async function startDeploy(name: string, mac: string): Promise<void> {
    await api('POST', '/v1/nodes', { driver: 'fake-hardware', name, boot_interface: 'ipxe', deploy_interface: 'agent', driver_info: { deploy_kernel: 'k', deploy_ramdisk: 'r' } });
    await api('POST', '/v1/ports', { address: mac, node_uuid: name });
    await api('PUT', `/v1/nodes/${name}/states/provision`, { target: 'manage' });
    await waitNode(name, (n) => n.provision_state === 'manageable' && !n.reservation, 20_000);
    await api('PUT', `/v1/nodes/${name}/states/provision`, { target: 'provide' });
    await waitNode(name, (n) => n.provision_state === 'available' && !n.reservation, 20_000);
    await api('PATCH', `/v1/nodes/${name}`, [
      { op: 'add', path: '/instance_info/image_source', value: imageUrl },
      { op: 'add', path: '/instance_info/image_checksum', value: `sha256:${sha256(readFileSync(join(work, 'img.qcow2')))}` },
    ]);
    await api('PUT', `/v1/nodes/${name}/states/provision`, { target: 'active' });
    await waitNode(name, (n) => n.provision_state === 'wait call-back' && !n.reservation, 30_000);
  }

  async function bootAgent(name: string, mac: string, apiCa?: string): Promise<{ lab: VmLab; disk: string }> {
    const disk = join(work, `${name}.raw`);
    await createDisk(disk, 16 << 20);
    const lab = await writeVmConfig({ stateDir: join(work, name), disk, mac, kernel: ramdisk.kernel, initrd: ramdisk.initrd, append: deployKernelArgs({ apiUrl: guestApi, mac, apiCa }) });
    labs.push(lab);
    await setBootDevice(lab, 'pxe');
    await powerOn(lab);
    return { lab, disk };
  }

  it('with the CA from ipa-api-ca=, verifies the server, streams the image over https and the node goes active', async () => {
    const mac = '52:54:00:7c:a1:01';
    await startDeploy('tls1', mac);
    const t0 = Date.now();
    const { lab, disk } = await bootAgent('tls1', mac, readFileSync(ca.cert, 'utf8'));
    await waitForConsole(lab, 'CA for https: ipa-api-ca from the kernel command line', { timeoutMs: 60_000 });
    await waitForConsole(lab, /lookup: node [0-9a-f-]{36}/, { timeoutMs: 30_000 });
    // What the refused agent below never gets: the token, handed out on the first lookup.
    expect((await api('GET', '/v1/nodes/tls1')).driver_internal_info.agent_secret_token_retrieved).toBe(true);
    const node = await waitNode('tls1', (n) => n.provision_state === 'active' || n.provision_state === 'deploy failed', 90_000);
    timings['VM start to active'] = Date.now() - t0;
    expect(node.last_error ?? null).toBeNull();
    expect(node.provision_state).toBe('active');
    const console = readFileSync(join(work, 'tls1', 'console.log'), 'utf8');
    expect(console).toMatch(/writing https:\/\/10\.0\.2\.2:\d+\/boot\/image-cache\/sha256-[0-9a-f]{64}\.raw to \/dev\/vda/);
    expect(console).not.toContain('TLS certificate verification failed');
    const fh = await open(disk, 'r');
    const head = Buffer.alloc(raw.length);
    await fh.read(head, 0, raw.length, 0);
    await fh.close();
    expect(sha256(head)).toBe(sha256(raw));
  }, 150_000);

  it('with only a CA that did not sign the server, refuses it: no lookup, and the console says the certificate failed', async () => {
    const mac = '52:54:00:7c:a1:02';
    await startDeploy('tls2', mac);
    const { lab } = await bootAgent('tls2', mac);
    const text = await waitForConsole(lab, /lookup refused: the API's certificate does not verify; retrying[\s\S]*lookup refused/, { timeoutMs: 60_000 });
    expect(text).toContain('CA for https: /etc/ironplan/ca.pem (baked into the ramdisk)');
    expect(text).toMatch(/TLS certificate verification failed for https:\/\/10\.0\.2\.2:\d+ \(CA: \/etc\/ironplan\/ca\.pem\): curl: \(60\) SSL certificate problem: unable to get local issuer certificate; nothing was sent/);
    const node = await api('GET', '/v1/nodes/tls2');
    expect(node.provision_state).toBe('wait call-back');
    // The token is handed out on the first lookup (the run above saw this turn true): never handed out here.
    expect(node.driver_internal_info.agent_secret_token_retrieved).toBe(false);
  }, 90_000);
});
