// bench/policy: what the owner/lessee policy costs, on the real server process (`ironplan serve --auth
// token`, SQLite in a temp dir), with N fake-hardware nodes of which a tenth belong to project acme:
//   1. GET /v1/nodes/detail with a system token (the byte cache; the policy only looks its rule up)
//   2. the same with acme's project token (the store's owner-or-lessee filter, masking per node)
//   3. GET /v1/nodes/{uuid} with each (the project's check reads the node once more)
// Prints p50 and p95 in milliseconds. Run: npm run build && node bench/policy/run.mjs   (N=…, READS=…)
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { freeTcpPort } from '../../dist/lab/ports.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = Number(process.env.N ?? 2000);
const READS = Number(process.env.READS ?? 40);
const TOKENS = { system: 'bench-admin', project: 'bench-acme' };

const dir = await mkdtemp(join(tmpdir(), 'ironplan-bench-policy-'));
const tokensFile = join(dir, 'tokens.json');
await writeFile(tokensFile, JSON.stringify([{ token: TOKENS.system, role: 'admin' }, { token: TOKENS.project, role: 'member', project: 'acme' }]));
const port = await freeTcpPort();
const child = spawn(process.execPath, [join(root, 'bin/ironplan.js'), 'serve', '--port', String(port), '--db', join(dir, 'db.sqlite'), '--state-dir', join(dir, 'state'), '--power-sync-interval', '0', '--auth', 'token', '--tokens-file', tokensFile], { stdio: 'ignore', env: { ...process.env, IRONPLAN_LOG_LEVEL: 'warn' } });
const client = new Client(`http://127.0.0.1:${port}`);

async function call(token, method, path, body) {
  const res = await client.request({ method, path, headers: { authorization: `Bearer ${token}`, 'x-openstack-ironic-api-version': 'latest', 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function timed(label, token, path) {
  const ms = [];
  for (let i = 0; i < READS + 5; i++) {
    const t = performance.now();
    await call(token, 'GET', path);
    if (i >= 5) ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(2);
  console.log(`${label.padEnd(44)} p50 ${at(0.5).padStart(8)} ms   p95 ${at(0.95).padStart(8)} ms`);
}

try {
  for (let i = 0; ; i++) {
    if (await fetch(`http://127.0.0.1:${port}/v1`).then((r) => r.ok, () => false)) break;
    if (i > 150) throw new Error('ironplan serve did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  let acmeNode;
  for (let i = 0; i < N; i++) {
    const n = await call(TOKENS.system, 'POST', '/v1/nodes', { driver: 'fake-hardware', name: `n${i}`, driver_info: { fake_note: 'x' } });
    if (i % 10 === 0) {
      await call(TOKENS.system, 'PATCH', `/v1/nodes/${n.uuid}`, [{ op: 'add', path: '/owner', value: 'acme' }]);
      acmeNode ??= n.uuid;
    }
  }
  console.log(`N=${N} nodes (${Math.ceil(N / 10)} of project acme), ${READS} timed reads each`);
  await timed(`GET /v1/nodes/detail, system token (${N})`, TOKENS.system, '/v1/nodes/detail');
  await timed(`GET /v1/nodes/detail, project token (${Math.ceil(N / 10)})`, TOKENS.project, '/v1/nodes/detail');
  await timed('GET /v1/nodes/{uuid}, system token', TOKENS.system, `/v1/nodes/${acmeNode}`);
  await timed('GET /v1/nodes/{uuid}, project token', TOKENS.project, `/v1/nodes/${acmeNode}`);
} finally {
  await client.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(dir, { recursive: true, force: true });
}
