// The real service for the console's browser tests and bench: `ironplan serve` (built, from dist/) on a
// temp SQLite file with token auth, and a fleet of fake-hardware nodes created through the API.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { freeTcpPort } from '../../dist/lab/ports.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const TOKENS = { admin: 'console-admin-token-0123456789', reader: 'console-reader-token-0123456789' };

export function chromiumPresent() {
  return existsSync(CHROMIUM);
}

/** Starts the service; resolves once it answers. */
export async function startServe() {
  if (!existsSync(join(root, 'dist/ui/index.html'))) throw new Error('dist/ui is not built: run `npm run build` first');
  const dir = await mkdtemp(join(tmpdir(), 'ironplan-console-'));
  const tokensFile = join(dir, 'tokens.json');
  await writeFile(tokensFile, JSON.stringify([{ token: TOKENS.admin, role: 'admin' }, { token: TOKENS.reader, role: 'reader' }]));
  const port = await freeTcpPort();
  const child = spawn(
    process.execPath,
    [join(root, 'bin/ironplan.js'), 'serve', '--db', join(dir, 'ironplan.db'), '--state-dir', dir, '--boot-root', join(dir, 'boot'), '--port', String(port), '--power-sync-interval', '0', '--auth', 'token', '--tokens-file', tokensFile],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, IRONPLAN_LOG_LEVEL: 'warn' } },
  );
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ironplan serve exited ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/v1`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`ironplan serve did not answer within 20 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const client = new Client(url, { pipelining: 1, connections: 4 });
  return {
    url,
    /** A JSON call as the admin, at the latest microversion unless `version` says otherwise. */
    async call(method, path, body, { token = TOKENS.admin, version = 'latest' } = {}) {
      const r = await client.request({
        method,
        path,
        headers: { authorization: `Bearer ${token}`, 'x-openstack-ironic-api-version': version, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.body.text();
      return { status: r.statusCode, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await client.close();
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates n fake-hardware nodes, four requests at a time: a third available (created at API 1.10, as
 * Ironic creates them below 1.11; no resource class there), the rest enroll, every 50th of them in maintenance, in two resource classes, a trait on
 * the even ones. Names are node-00001… so a test can predict them.
 */
export async function seedNodes(server, n, { prefix = 'node' } = {}) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const name = `${prefix}-${String(i + 1).padStart(5, '0')}`;
      const legacy = i % 3 === 0;
      const body = legacy
        ? { driver: 'fake-hardware', name, properties: { cpus: 16 } }
        : { driver: 'fake-hardware', name, deploy_interface: 'fake', resource_class: i % 2 ? 'large' : 'small', maintenance: i % 50 === 1, properties: { cpus: 16 }, traits: i % 2 ? [] : ['CUSTOM_GPU'] };
      const r = await server.call('POST', '/v1/nodes', body, { version: legacy ? '1.10' : 'latest' });
      if (r.status !== 201) throw new Error(`create ${name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

/** Every node's provision state, through the API. */
export async function countsByState(server) {
  const out = {};
  let path = '/v1/nodes?fields=uuid,provision_state&limit=1000';
  while (path) {
    const r = await server.call('GET', path);
    for (const n of r.body.nodes) out[n.provision_state] = (out[n.provision_state] ?? 0) + 1;
    path = r.body.next ? new URL(r.body.next).pathname + new URL(r.body.next).search : undefined;
  }
  return out;
}

/** Waits until no node is travelling (every one in a resting or failed state, unlocked). */
export async function settle(server, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  const moving = new Set(['verifying', 'cleaning', 'clean wait', 'deploying', 'wait call-back', 'deleting', 'inspecting', 'inspect wait']);
  for (;;) {
    const { body } = await server.call('GET', '/v1/node-states');
    if (!body.nodes.some((n) => moving.has(n.provision_state))) return;
    if (Date.now() > deadline) throw new Error('nodes did not settle');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A fleet that looks lived in: of the seeded nodes, `manage` of 150 enroll ones (manageable), 20 of them
 * with a BMC that does not answer (back to enroll, with last_error: faults), and the last 60 available ones
 * deployed with the fake deploy (active, powered on).
 */
export async function varyStates(server) {
  const { body } = await server.call('GET', '/v1/node-states');
  const enroll = body.nodes.filter((n) => n.provision_state === 'enroll' && !n.maintenance).slice(0, 150);
  const available = body.nodes.filter((n) => n.provision_state === 'available').slice(-60);
  const expect = (r, what) => {
    if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  };
  await Promise.all(
    enroll.map(async (n, i) => {
      if (i < 20) expect(await server.call('PATCH', `/v1/nodes/${n.uuid}`, [{ op: 'add', path: '/driver_info/fake_fail', value: 'bmc_unreachable' }]), 'patch');
      expect(await server.call('PUT', `/v1/nodes/${n.uuid}/states/provision`, { target: 'manage' }), 'manage');
    }),
  );
  await Promise.all(
    available.map(async (n) => {
      expect(await server.call('PATCH', `/v1/nodes/${n.uuid}`, [{ op: 'replace', path: '/deploy_interface', value: 'fake' }]), 'patch');
      expect(await server.call('PUT', `/v1/nodes/${n.uuid}/states/provision`, { target: 'active' }), 'deploy');
    }),
  );
  await settle(server);
}
