// bench/api: the HTTP API under load, on the real server process (`ironplan serve`, SQLite in a temp dir).
//   1. sequential POST /v1/nodes of N fake-hardware nodes           target ≥ 3,235 creates/s (50× Ironic's 64.7/s)
//   2. GET /v1/nodes/detail (all N nodes), one client                target p50 ≤ 20 ms
//   3. the same with 16 concurrent clients                           target p50 ≤ 100 ms
//   and the server's resident memory afterwards.
// Sequential creates are timed with undici's Client (one keep-alive connection, one request at a time):
// node:http's client spends more per request than a lean server does, so it would measure itself. The
// node:http figure is printed too, and both are compared with a bare fastify server in the same run.
// Run: npm run build && node bench/api/run.mjs   (N=…, IRONPLAN_LOG_LEVEL=info to bench with request logs)
// IRONPLAN_ROOT=<dir> runs another build's bin/ironplan.js.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { freeTcpPort as freePort } from '../../dist/lab/ports.js';

const root = process.env.IRONPLAN_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = Number(process.env.N ?? 1000);
const READS = Number(process.env.READS ?? 60);
const CLIENTS = 16;
/** Requests before timing starts: V8 reaches its optimised code for both client and server only after several hundred. */
const WARM = Number(process.env.WARM ?? 1000);
const TARGETS = { createsPerSec: 3235, p50Single: 20, p50Concurrent: 100 };


const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

function call(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: {
          'x-openstack-ironic-api-version': 'latest',
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        // The body stays bytes: decoding 2 MB here would be the client's time, not the server's.
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), get text() { return this.body.toString('utf8'); } }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const nodeBody = (name, i) => ({
  driver: 'fake-hardware',
  name,
  driver_info: { fake_power_delay_ms: 0 },
  properties: { cpus: 32, memory_mb: 262144, local_gb: 960, cpu_arch: 'x86_64' },
  resource_class: 'baremetal.large',
  extra: { rack: `r${i % 40}` },
});
const createHeaders = { 'x-openstack-ironic-api-version': 'latest', accept: 'application/json', 'content-type': 'application/json' };

/** N POST /v1/nodes one after another on one undici connection; creates per second. */
async function sequentialCreates(port, prefix, n) {
  const client = new Client(`http://127.0.0.1:${port}`, { pipelining: 1 });
  try {
    const post = async (name, i) => {
      const r = await client.request({ method: 'POST', path: '/v1/nodes', headers: createHeaders, body: JSON.stringify(nodeBody(name, i)) });
      const text = await r.body.text();
      if (r.statusCode !== 201) throw new Error(`create ${name}: HTTP ${r.statusCode} ${text}`);
    };
    for (let i = 0; i < WARM; i++) await post(`${prefix}-warm-${i}`, i);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await post(`${prefix}-${String(i).padStart(5, '0')}`, i);
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await client.close();
  }
}

/** The same with node:http's keep-alive agent. */
async function sequentialCreatesNodeHttp(port, prefix, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await call(port, 'POST', '/v1/nodes', nodeBody(`${prefix}-${String(i).padStart(5, '0')}`, i));
    if (r.status !== 201) throw new Error(`create ${i}: HTTP ${r.status} ${r.text}`);
  }
  return n / ((performance.now() - t0) / 1000);
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function waitUp(port, child) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await call(port, 'GET', '/v1');
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server did not start in 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rssMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

// The ceiling this machine and client allow: a bare fastify server answering the same POSTs with a
// constant body, measured in the same run with the same clients, before ironplan starts.
const helloPort = await freePort();
const hello = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import Fastify from 'fastify'; const app = Fastify(); app.get('/v1', async () => ({})); app.post('/v1/nodes', async (req, reply) => reply.code(201).send({ uuid: 'x', name: req.body.name })); await app.listen({ host: '127.0.0.1', port: ${helloPort} });`,
  ],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);
let helloPerSec = NaN;
let helloPerSecHttp = NaN;
try {
  await waitUp(helloPort, hello);
  helloPerSec = await sequentialCreates(helloPort, 'bench', N);
  helloPerSecHttp = await sequentialCreatesNodeHttp(helloPort, 'bench-http', N);
} finally {
  hello.kill('SIGTERM');
}

const dir = await mkdtemp(join(tmpdir(), 'ironplan-bench-api-'));
const port = await freePort();
const child = spawn(
  process.execPath,
  [join(root, 'bin', 'ironplan.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', join(dir, 'bench.sqlite'), '--state-dir', join(dir, 'state'), '--power-sync-interval', '0'],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, IRONPLAN_LOG_LEVEL: process.env.IRONPLAN_LOG_LEVEL ?? 'warn' } },
);
let ok = true;
const verdict = (pass) => {
  if (!pass) ok = false;
  return pass ? 'PASS' : 'FAIL';
};
try {
  await waitUp(port, child);
  // Warm up the code paths (JIT, prepared statements), unmeasured.
  for (let i = 0; i < WARM; i++) await call(port, 'POST', '/v1/nodes', nodeBody(`warm-${i}`, i));
  for (let i = 0; i < WARM; i++) await call(port, 'DELETE', `/v1/nodes/warm-${i}`);

  const createsPerSec = await sequentialCreates(port, 'bench', N);
  const createsPerSecHttp = await sequentialCreatesNodeHttp(port, 'bench-http', N);
  // The list is timed over exactly N nodes: the node:http batch and the warm-up nodes go again.
  for (let i = 0; i < N; i++) await call(port, 'DELETE', `/v1/nodes/bench-http-${String(i).padStart(5, '0')}`);
  for (let i = 0; i < WARM; i++) await call(port, 'DELETE', `/v1/nodes/bench-warm-${i}`);

  const list = async () => {
    const s = performance.now();
    const r = await call(port, 'GET', '/v1/nodes/detail');
    const ms = performance.now() - s;
    if (r.status !== 200) throw new Error(`list: HTTP ${r.status}`);
    return { ms, bytes: r.body.length, body: r.body };
  };
  const first = await list();
  first.count = JSON.parse(first.body.toString('utf8')).nodes.length;
  if (first.count !== N) throw new Error(`list returned ${first.count} nodes, expected ${N}`);
  const single = [];
  for (let i = 0; i < READS; i++) single.push((await list()).ms);
  const concurrent = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < Math.ceil(READS / 2); i++) concurrent.push((await list()).ms);
    }),
  );
  const rss = await rssMiB(child.pid);

  const row = (label, value, target, pass) => console.log(`${label.padEnd(44)} ${value.padStart(12)}   target ${target.padEnd(10)} ${verdict(pass)}`);
  console.log(`bench/api: ${N} fake-hardware nodes, SQLite, server log level ${process.env.IRONPLAN_LOG_LEVEL ?? 'warn'}, list body ${(first.bytes / 1e6).toFixed(2)} MB`);
  row('POST /v1/nodes sequential (undici client)', `${createsPerSec.toFixed(0)}/s`, `≥ ${TARGETS.createsPerSec}/s`, createsPerSec >= TARGETS.createsPerSec);
  console.log(`${'  same POSTs to a bare fastify (ceiling here)'.padEnd(44)} ${`${helloPerSec.toFixed(0)}/s`.padStart(12)}   ironplan at ${((createsPerSec / helloPerSec) * 100).toFixed(0)}% of it; OpenStack Ironic 21.4: 64.7/s (${(createsPerSec / 64.7).toFixed(1)}×)`);
  console.log(`${'POST /v1/nodes sequential (node:http client)'.padEnd(44)} ${`${createsPerSecHttp.toFixed(0)}/s`.padStart(12)}   bare fastify with this client: ${helloPerSecHttp.toFixed(0)}/s`);
  row('GET /v1/nodes/detail, 1 client, p50', `${pct(single, 50).toFixed(1)} ms`, `≤ ${TARGETS.p50Single} ms`, pct(single, 50) <= TARGETS.p50Single);
  console.log(`${'GET /v1/nodes/detail, 1 client, p99'.padEnd(44)} ${`${pct(single, 99).toFixed(1)} ms`.padStart(12)}`);
  row(`GET /v1/nodes/detail, ${CLIENTS} clients, p50`, `${pct(concurrent, 50).toFixed(1)} ms`, `≤ ${TARGETS.p50Concurrent} ms`, pct(concurrent, 50) <= TARGETS.p50Concurrent);
  console.log(`${`GET /v1/nodes/detail, ${CLIENTS} clients, p99`.padEnd(44)} ${`${pct(concurrent, 99).toFixed(1)} ms`.padStart(12)}`);
  console.log(`${'server RSS after the run'.padEnd(44)} ${`${rss.toFixed(0)} MiB`.padStart(12)}`);
  process.exitCode = ok ? 0 : 1;
} finally {
  agent.destroy();
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  await rm(dir, { recursive: true, force: true });
}
