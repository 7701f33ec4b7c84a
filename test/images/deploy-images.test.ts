// Through the HTTP API and the real engine (SQLite file, agent deploy, iPXE boot files), with the agent's
// side played over its HTTP call-backs: a qcow2 deploy is handed to the agent as the manager's raw
// conversion with a config drive URL, both served from the boot route; a checksum mismatch fails the
// deploy with a clear last_error before any boot configuration (let alone the disk) is touched.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from '../http/helpers.js';

const run = promisify(execFile);
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const API = 'http://127.0.0.1:1';

let h: Harness;
let server: Server;
let imageUrl: string;
let raw: Buffer;
let qcow2: Buffer;

beforeAll(async () => {
  // Automated cleaning off: provide would otherwise wait for an agent to erase the disk.
  h = await startHarness({}, { settings: { apiUrl: API, automatedClean: false } as never });
  raw = Buffer.alloc(4 << 20);
  randomBytes(1 << 20).copy(raw, 0);
  await writeFile(join(h.dir, 'img.raw'), raw);
  await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', join(h.dir, 'img.raw'), join(h.dir, 'img.qcow2')]);
  qcow2 = await readFile(join(h.dir, 'img.qcow2'));
  server = createServer((req, res) => (req.url === '/img.qcow2' ? res.end(qcow2) : res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  imageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/img.qcow2`;
  await writeFile(join(h.bootRoot, 'k'), 'kernel');
  await writeFile(join(h.bootRoot, 'r'), 'ramdisk');
});

afterAll(async () => {
  server?.close();
  await h?.close();
});

async function deployNode(name: string, mac: string, checksum: string, configdrive?: unknown) {
  const ok = async (p: Promise<{ status: number; body: unknown }>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(JSON.stringify(r.body));
    return r;
  };
  await ok(h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name, boot_interface: 'ipxe', deploy_interface: 'agent', driver_info: { deploy_kernel: 'k', deploy_ramdisk: 'r' } } }));
  await ok(h.call({ method: 'POST', url: '/v1/ports', payload: { address: mac, node_uuid: name } }));
  await ok(h.call({ method: 'PUT', url: `/v1/nodes/${name}/states/provision`, payload: { target: 'manage' } }));
  await waitFor(h, name, (n) => n.provision_state === 'manageable' && !n.reservation);
  await ok(h.call({ method: 'PUT', url: `/v1/nodes/${name}/states/provision`, payload: { target: 'provide' } }));
  await waitFor(h, name, (n) => n.provision_state === 'available' && !n.reservation);
  await ok(h.call({ method: 'PATCH', url: `/v1/nodes/${name}`, payload: [
    { op: 'add', path: '/instance_info/image_source', value: imageUrl },
    { op: 'add', path: '/instance_info/image_checksum', value: checksum },
  ] }));
  await ok(h.call({ method: 'PUT', url: `/v1/nodes/${name}/states/provision`, payload: { target: 'active', ...(configdrive ? { configdrive } : {}) } }));
}

describe('agent deploy of a qcow2 image', () => {
  it('hands the agent the raw conversion and the config drive, both on the boot route; the config drive goes once deployed', async () => {
    await deployNode('q1', '52:54:00:00:0a:01', sha256(qcow2), { meta_data: { hostname: 'q1.example' }, user_data: '#cloud-config\n' });
    await waitFor(h, 'q1', (n) => n.provision_state === 'wait call-back' && !n.reservation);
    const look = await h.call({ method: 'GET', url: '/v1/lookup?addresses=52:54:00:00:0a:01', version: null });
    const uuid = look.body.node.uuid as string;
    const beat = (body: Record<string, unknown>) =>
      h.call({ method: 'POST', url: `/v1/heartbeat/${uuid}`, payload: { agent_token: look.body.config.agent_token, ...body }, version: null });
    const ready = await beat({ agent_status: 'ready' });
    expect(ready.body).toMatchObject({ command: 'write_image', image_checksum: sha256(raw) });
    expect(ready.body.image_url).toMatch(new RegExp(`^${API}/boot/image-cache/sha256-[0-9a-f]{64}\\.raw$`));
    expect(ready.body.configdrive_url).toMatch(new RegExp(`^${API}/boot/configdrive/${uuid}-[0-9a-f]{32}\\.iso$`));
    const image = await h.app.inject({ method: 'GET', url: new URL(ready.body.image_url).pathname });
    expect(image.statusCode).toBe(200);
    expect(sha256(image.rawPayload)).toBe(sha256(raw));
    const cdPath = new URL(ready.body.configdrive_url).pathname;
    const cd = await h.app.inject({ method: 'GET', url: cdPath });
    expect(cd.rawPayload.subarray(16 * 2048 + 40, 16 * 2048 + 48).toString()).toBe('config-2');
    expect(cd.rawPayload.includes(Buffer.from('"hostname":"q1.example"'))).toBe(true);
    await beat({ agent_status: 'written', bytes_written: raw.length, image_checksum_computed: sha256(raw) });
    await waitFor(h, 'q1', (n) => n.provision_state === 'active' && !n.reservation);
    expect((await h.call({ method: 'GET', url: cdPath })).status).toBe(404);
  });

  it('a checksum mismatch fails the deploy before any boot configuration is written, saying so in last_error', async () => {
    await deployNode('q2', '52:54:00:00:0a:02', `sha256:${'0'.repeat(64)}`);
    const n = await waitFor(h, 'q2', (x) => x.provision_state === 'deploy failed' && !x.reservation);
    expect(n.last_error).toMatch(/^Deploy failed: image checksum mismatch: http:\/\/127\.0\.0\.1:\d+\/img\.qcow2 has sha256:[0-9a-f]{64}, the deployment says sha256:0{64}; nothing was converted or written to the disk/);
    // The node was never set to boot the ramdisk: no iPXE script for its MAC, no agent token.
    expect(existsSync(join(h.bootRoot, 'nodes', '52-54-00-00-0a-02.ipxe'))).toBe(false);
    expect(n.driver_internal_info.agent_boot_id).toBeUndefined();
  });
});
