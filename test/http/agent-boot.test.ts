import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKSUM, fault, startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness({ auth: { mode: 'token', tokens: [{ token: 'adm', role: 'admin' }] } })));
afterAll(async () => h.close());

const admin = { authorization: 'Bearer adm' };

describe('agent lookup and heartbeat (open, token-checked)', () => {
  it('walks a deploy through the HTTP call-backs a real agent makes', async () => {
    const call = (o: Parameters<Harness['call']>[0]) => h.call({ ...o, headers: { ...admin, ...(o.headers as object) } });
    await call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'ag', driver_info: { fake_fail: 'agent_timeout' }, properties: { cpus: 2 } } });
    await call({ method: 'POST', url: '/v1/ports', payload: { address: '52:54:00:00:00:a1', node_uuid: 'ag' } });
    await call({ method: 'PUT', url: '/v1/nodes/ag/states/provision', payload: { target: 'manage' } });
    await waitForAdmin('ag', 'manageable');
    await call({ method: 'PUT', url: '/v1/nodes/ag/states/provision', payload: { target: 'provide' } });
    await waitForAdmin('ag', 'available');
    await call({ method: 'PATCH', url: '/v1/nodes/ag', payload: [
      { op: 'add', path: '/instance_info/image_source', value: 'http://images/img.raw' },
      { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM },
      { op: 'add', path: '/instance_info/image_password', value: 'hide-me' },
    ] });
    await call({ method: 'PUT', url: '/v1/nodes/ag/states/provision', payload: { target: 'active' } });
    await waitForAdmin('ag', 'wait call-back');

    // No API credentials, no version header: the agent has neither.
    const missing = await h.call({ method: 'GET', url: '/v1/lookup?addresses=52:54:00:ff:ff:ff', version: null });
    expect(missing.status).toBe(404);
    expect((await h.call({ method: 'GET', url: '/v1/lookup', version: null })).status).toBe(400);
    const look = await h.call({ method: 'GET', url: '/v1/lookup?addresses=52:54:00:00:00:A1,52:54:00:ff:ff:ff', version: null });
    expect(look.status).toBe(200);
    expect(look.body.node.properties).toEqual({ cpus: 2 });
    expect(look.body.node.instance_info.image_source).toBe('http://images/img.raw');
    expect(look.body.node.instance_info.image_password).toBeUndefined();
    expect(look.body.config).toMatchObject({ agent_token_required: true, heartbeat_timeout: 60 });
    const token = look.body.config.agent_token as string;
    expect(token.length).toBeGreaterThan(20);
    // The token is handed out once.
    const again = await h.call({ method: 'GET', url: `/v1/lookup?node_uuid=${look.body.node.uuid}`, version: null });
    expect(again.body.config.agent_token).toBe('******');

    const bad = await h.call({ method: 'POST', url: `/v1/heartbeat/${look.body.node.uuid}`, payload: { agent_token: 'wrong', agent_status: 'ready' }, version: null });
    expect(bad.status).toBe(401);
    expect((await h.call({ method: 'POST', url: `/v1/heartbeat/${look.body.node.uuid}`, payload: { agent_status: 'ready' }, version: null })).status).toBe(401);
    expect((await h.call({ method: 'POST', url: `/v1/heartbeat/${look.body.node.uuid}`, payload: { agent_token: token, agent_status: 'dancing' }, version: null })).status).toBe(400);

    const beat = (body: Record<string, unknown>) => h.call({ method: 'POST', url: `/v1/heartbeat/${look.body.node.uuid}`, payload: { agent_token: token, ...body }, version: null });
    const ready = await beat({ agent_status: 'ready', agent_version: 'test 1' });
    expect(ready.status).toBe(200);
    // One line, so a shell agent can sed it.
    expect(ready.text.trimEnd().includes('\n')).toBe(false);
    expect(ready.body).toMatchObject({ command: 'write_image', image_url: 'http://images/img.raw', image_checksum: CHECKSUM });
    expect((await beat({ agent_status: 'busy', bytes_written: 1, bytes_total: 2 })).status).toBe(200);
    expect((await beat({ agent_status: 'written', bytes_written: 2, bytes_total: 2, image_checksum_computed: CHECKSUM })).status).toBe(200);
    await waitForAdmin('ag', 'active');
  });
});

async function waitForAdmin(ident: string, state: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await h.call({ method: 'GET', url: `/v1/nodes/${ident}`, headers: admin });
    if (r.body?.provision_state === state && r.body.reservation === null) return r.body;
    if (Date.now() > deadline) throw new Error(`node ${ident} never reached ${state}: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe('boot files (open, read-only, confined)', () => {
  beforeAll(async () => {
    await mkdir(join(h.bootRoot, 'nodes'), { recursive: true });
    await writeFile(join(h.bootRoot, 'vmlinuz'), Buffer.from('0123456789'));
    await writeFile(join(h.bootRoot, 'nodes', 'n1.ipxe'), '#!ipxe\nboot\n');
    await writeFile(join(h.bootRoot, '100%.txt'), 'percent');
    await writeFile(join(h.dir, 'secret.txt'), 'outside');
    await symlink(join(h.dir, 'secret.txt'), join(h.bootRoot, 'escape'));
  });

  it('serves files with Content-Length and a type', async () => {
    const r = await h.call({ method: 'GET', url: '/boot/vmlinuz', version: null });
    expect(r.status).toBe(200);
    expect(r.text).toBe('0123456789');
    expect(r.headers['content-length']).toBe('10');
    expect(r.headers['accept-ranges']).toBe('bytes');
    const s = await h.call({ method: 'GET', url: '/boot/nodes/n1.ipxe', version: null });
    expect(s.text).toBe('#!ipxe\nboot\n');
    expect(String(s.headers['content-type'])).toContain('text/plain');
    // The name is decoded once, by the router: "%25" is a "%", and "%252e" stays a literal "%2e".
    const p = await h.call({ method: 'GET', url: '/boot/100%25.txt', version: null });
    expect(p.status).toBe(200);
    expect(p.text).toBe('percent');
  });

  it('answers HEAD with the length and no body', async () => {
    const r = await h.call({ method: 'HEAD', url: '/boot/vmlinuz', version: null });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe('10');
    expect(r.text).toBe('');
  });

  it('serves byte ranges, and 416 for unsatisfiable ones', async () => {
    const r = await h.call({ method: 'GET', url: '/boot/vmlinuz', headers: { range: 'bytes=2-5' }, version: null });
    expect(r.status).toBe(206);
    expect(r.text).toBe('2345');
    expect(r.headers['content-range']).toBe('bytes 2-5/10');
    expect((await h.call({ method: 'GET', url: '/boot/vmlinuz', headers: { range: 'bytes=-3' }, version: null })).text).toBe('789');
    expect((await h.call({ method: 'GET', url: '/boot/vmlinuz', headers: { range: 'bytes=7-' }, version: null })).text).toBe('789');
    expect((await h.call({ method: 'GET', url: '/boot/vmlinuz', headers: { range: 'bytes=20-30' }, version: null })).status).toBe(416);
  });

  it('never leaves the boot root (.., encoded .., symlinks, directories)', async () => {
    // .. and %2e%2e are resolved by the client to /secret.txt (outside /boot/, so not open: 401); the rest are 404s.
    const expected: Record<string, number> = { '/boot/../secret.txt': 401, '/boot/%2e%2e/secret.txt': 401 };
    for (const url of ['/boot/../secret.txt', '/boot/%2e%2e/secret.txt', '/boot/nodes/..%2f..%2fsecret.txt', '/boot/%252e%252e/secret.txt', '/boot/escape', '/boot/nodes', '/boot/missing']) {
      const r = await h.call({ method: 'GET', url, version: null });
      expect(r.status, url).toBe(expected[url] ?? 404);
      expect(r.text).not.toContain('outside');
    }
  });

  it('refuses writes', async () => {
    const r = await h.call({ method: 'PUT', url: '/boot/vmlinuz', payload: {}, headers: admin });
    expect(r.status).toBe(404);
  });
});

describe('error envelope', () => {
  it('is the Ironic string-in-JSON', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/nodes/ghost', headers: admin });
    expect(Object.keys(r.body)).toEqual(['error_message']);
    expect(JSON.parse(r.body.error_message)).toEqual({ faultcode: 'Client', faultstring: fault(r.body), debuginfo: null });
  });
});
