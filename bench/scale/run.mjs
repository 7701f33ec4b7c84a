// bench/scale: the API service and three managers as separate processes on one PostgreSQL 15, at fleet
// scale (fake-hardware). In one run:
//   1. 30,000 nodes (about 10,000 per manager by the hash ring), all manageable: the power-sync pass of
//      each manager (it logs `power sync pass` {nodes, ms} at info, to stdout); the three run at once.
//      Pass 1 pays for warm-up; passes 2.. are judged                                        goal ≤ 10 s
//   2. GET /v1/nodes/detail?limit=1000 at 30,000 nodes, sequential pages (marker paging), p50
//   3. POST /v1/nodes (creates/s) with 16 concurrent clients through one API, then through two APIs
//   4. kill -9 of the manager holding the most of 300 nodes parked in `wait call-back`: time until every
//      one of them is taken over by another manager (their `took over node` lines), with
//      --heartbeat-timeout 10                                    goal ≤ 2 heartbeat timeouts = 20 s; twice:
//      a) as the managers run here, on one host: a dead peer's pid is noticed at once (fast path)
//      b) with IRONPLAN_NO_PID_CHECK=1: only the missing heartbeat tells, as across hosts
//      first on the 30,000-node fleet (power sync running), then on a database of the parked nodes alone
//   5. enroll → manageable → available (automated cleaning, simulated agent) → active for 1,000 nodes
//      through one API, with 3 managers and with 1 (each on a fresh database)
// The creates of (3) and a warm-up are the first nodes of the 30,000; the rest are enrolled through both
// APIs with 32 clients. The managers' and PostgreSQL's CPU over the power-sync passes is printed too: on a
// small machine the three managers, PostgreSQL and this script share the cores.
// Run: npm run build && node bench/scale/run.mjs          (about 10 minutes on 2 cores)
//      node bench/scale/run.mjs --smoke                   (tiny counts: proves the script works, ~1 minute)
// Counts: NODES, CREATES, CREATE_CLIENTS, WARM, ENROLL_CLIENTS, LIST_READS, PARKED, HEARTBEAT_TIMEOUT,
// POWER_SYNC_INTERVAL, SYNC_PASSES, FLOW_NODES, FLOW_CLIENTS, FAKE_AGENT_DELAY_MS. Needs initdb, pg_ctl and
// postgres on PATH (as root the cluster runs as the postgres user). IRONPLAN_ROOT=<dir> runs another build;
// CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the services it starts.
// Exit status 1 when a goal is not met.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Client, Pool } from 'undici';
import { HashRings } from '../../dist/engine/rpc/ring.js';
import { freeTcpPort as freePort } from '../../dist/lab/ports.js';
import { startPostgres as startLabPostgres } from '../../dist/lab/postgres.js';

const root = process.env.IRONPLAN_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'ironplan.js');
const SMOKE = process.argv.includes('--smoke');
const count = (name, full, smoke) => Number(process.env[name] ?? (SMOKE ? smoke : full));
const NODES = count('NODES', 30_000, 300);
const MANAGERS = 3;
const CREATES = count('CREATES', 2000, 60);
const CREATE_CLIENTS = count('CREATE_CLIENTS', 16, 8);
const WARM = count('WARM', 500, 20);
const ENROLL_CLIENTS = count('ENROLL_CLIENTS', 32, 8);
const LIST_READS = count('LIST_READS', 50, 5);
const PARKED = count('PARKED', 300, 15);
const HB_TIMEOUT = count('HEARTBEAT_TIMEOUT', 10, 4);
const SYNC_INTERVAL = count('POWER_SYNC_INTERVAL', 5, 2);
const SYNC_PASSES = count('SYNC_PASSES', 3, 1);
const FLOW_NODES = count('FLOW_NODES', 1000, 30);
const FLOW_CLIENTS = count('FLOW_CLIENTS', 16, 8);
const AGENT_DELAY = count('FAKE_AGENT_DELAY_MS', 20, 10);
/** Extra node flags for the processes the bench starts, e.g. CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const CHILD_NODE_ARGS = (process.env.CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
const GOALS = { passMs: 10_000, takeoverMs: 2 * HB_TIMEOUT * 1000 };
const SECRET = 'bench-scale-shared-rpc-secret-0123456789';
const CHECKSUM = `sha256:${'ab'.repeat(32)}`;
if (WARM + 2 * CREATES + PARKED > NODES) throw new Error(`NODES (${NODES}) must hold WARM + 2×CREATES + PARKED (${WARM + 2 * CREATES + PARKED})`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmtS = (ms) => `${(ms / 1000).toFixed(1)} s`;
const fmtN = (n) => n.toLocaleString('en-US');
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs) => pct(xs, 50);
const progress = (msg) => process.stderr.write(`[${((performance.now() - benchStart) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
const benchStart = performance.now();


// ------------------------------------------------------------------ what the run starts, and stops

const dir = mkdtempSync(join(tmpdir(), 'ironplan-bench-scale-'));
const secretFile = join(dir, 'rpc-secret');
writeFileSync(secretFile, SECRET, { mode: 0o600 });
const procs = new Set();
let postgres;
const pgClients = new Set();
const httpPools = new Map();

/** A throwaway PostgreSQL cluster on 127.0.0.1: the lab's (lab/postgres.ts). */
async function startPostgres() {
  postgres = await startLabPostgres();
  return postgres;
}

async function pgConnect(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  pgClients.add(c);
  return c;
}

/** Pino JSON lines the bench reads (the managers log to stdout); anything else keeps a short tail. */
const KEEP = new Set(['power sync pass', 'took over node', 'released a node left by a stopped conductor']);

function startIronplan(label, args, env = {}) {
  const child = spawn(process.execPath, [...CHILD_NODE_ARGS, bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p = { label, child, id: undefined, logs: [], tail: [], exited: undefined };
  p.exited = new Promise((r) => child.once('exit', r));
  const onLine = (line) => {
    if (line.startsWith('{')) {
      try {
        const o = JSON.parse(line);
        if (KEEP.has(o.msg)) {
          p.logs.push(o);
          return;
        }
      } catch {
        // not JSON after all: kept as text
      }
    } else {
      const m = /^ironplan manager (\S+) /.exec(line);
      if (m) p.id = m[1];
    }
    p.tail.push(line);
    if (p.tail.length > 30) p.tail.shift();
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  procs.add(p);
  return p;
}

const running = (p) => p.child.exitCode === null && p.child.signalCode === null;

async function stopProc(p, signal = 'SIGTERM') {
  if (running(p)) {
    p.child.kill(signal);
    const force = setTimeout(() => running(p) && p.child.kill('SIGKILL'), 15_000);
    await p.exited;
    clearTimeout(force);
  }
  procs.delete(p);
}

let cleanedUp = false;
async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const p of procs) if (running(p)) p.child.kill('SIGKILL');
  await Promise.all([...procs].map((p) => p.exited));
  for (const pool of httpPools.values()) await pool.destroy().catch(() => {});
  for (const c of pgClients) await c.end().catch(() => {});
  try {
    postgres?.stop();
  } catch (err) {
    console.error(`stopping PostgreSQL: ${err.message}`);
  }
  rmSync(dir, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => void cleanup().finally(() => process.exit(130)));

const describe = (p) => `${p.label} (exit ${p.child.exitCode ?? p.child.signalCode}):\n  ${p.tail.join('\n  ')}`;

/** Managers on `dbUrl`; the first migrates the schema, the others start once it has registered. */
async function startManagers(dbUrl, n, tag, { powerSync = 0, env = {} } = {}) {
  const db = await pgConnect(dbUrl);
  const started = [];
  const one = (i) =>
    startIronplan(`manager ${tag}${i}`, [
      'manager', '--db', dbUrl, '--rpc-secret-file', secretFile, '--secrets-key-file', join(dir, 'secrets.key'), '--heartbeat-interval', '1', '--heartbeat-timeout', String(HB_TIMEOUT),
      '--state-dir', join(dir, `state-${tag}${i}`), '--power-sync-interval', String(powerSync),
    ], { IRONPLAN_LOG_LEVEL: 'info', ...env });
  const registered = async (ms) => {
    const deadline = Date.now() + ms;
    for (;;) {
      for (const p of started) if (!running(p)) throw new Error(`a manager exited at start: ${describe(p)}`);
      const ids = started.map((p) => p.id).filter(Boolean);
      if (ids.length === started.length) {
        const r = await db.query(`select count(*)::int as n from conductors where id = any($1) and online = 1 and catalog is not null`, [ids]).catch(() => ({ rows: [{ n: 0 }] }));
        if (r.rows[0].n === started.length) return;
      }
      if (Date.now() > deadline) throw new Error(`managers did not register in ${ms / 1000} s:\n${started.map(describe).join('\n')}`);
      await sleep(100);
    }
  };
  started.push(one(0));
  await registered(120_000);
  for (let i = 1; i < n; i++) started.push(one(i));
  await registered(120_000);
  pgClients.delete(db);
  await db.end();
  return started;
}

async function startApi(dbUrl, tag, env = {}) {
  const port = await freePort();
  const p = startIronplan(`api ${tag}`, ['api', '--db', dbUrl, '--port', String(port), '--rpc-secret-file', secretFile, '--secrets-key-file', join(dir, 'secrets.key'), '--heartbeat-timeout', String(HB_TIMEOUT)], { IRONPLAN_LOG_LEVEL: 'warn', ...env });
  p.base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (!running(p)) throw new Error(`the API exited at start: ${describe(p)}`);
    if ((await http(p.base, 'GET', '/v1').catch(() => ({ status: 0 }))).status === 200) return p;
    if (i > 600) throw new Error(`the API did not start: ${describe(p)}`);
    await sleep(100);
  }
}

// ------------------------------------------------------------------ HTTP

const HEADERS = { 'x-openstack-ironic-api-version': 'latest', accept: 'application/json' };
const JSON_HEADERS = { ...HEADERS, 'content-type': 'application/json' };

async function http(base, method, path, body) {
  let pool = httpPools.get(base);
  if (!pool) httpPools.set(base, (pool = new Pool(base, { connections: 64, pipelining: 1 })));
  const r = await pool.request({ method, path, headers: body === undefined ? HEADERS : JSON_HEADERS, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.statusCode, text: await r.body.text() };
}

/** One request, retried while the node is briefly locked (409) or its manager is changing (503). */
let retries = 0;
async function send(base, method, path, body, expected) {
  for (let attempt = 0; ; attempt++) {
    const r = await http(base, method, path, body);
    if (r.status === expected) return r;
    if ((r.status === 409 || r.status === 503) && attempt < 200) {
      retries++;
      await sleep(50);
      continue;
    }
    throw new Error(`${method} ${path}: HTTP ${r.status} ${r.text.slice(0, 400)}`);
  }
}

/** `fn` over `items` with `workers` concurrent callers; the worker's index picks its API. */
async function inParallel(items, workers, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, items.length) }, async (_, w) => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], w, i);
      }
    }),
  );
}

const nodeBody = (name, i, driverInfo = {}) => ({
  name,
  driver: 'fake-hardware',
  driver_info: { fake_power_delay_ms: 0, ...driverInfo },
  properties: { cpus: 32, memory_mb: 262144, local_gb: 960, cpu_arch: 'x86_64' },
  resource_class: 'baremetal.large',
  extra: { rack: `r${i % 40}` },
});

/** Creates `names` through `apis` (worker w uses apis[w % apis.length]); creates per second. */
async function create(apis, names, workers, bodyOf) {
  const t0 = performance.now();
  await inParallel(names, workers, (name, w, i) => send(apis[w % apis.length].base, 'POST', '/v1/nodes', bodyOf(name, i), 201));
  const ms = performance.now() - t0;
  return { ms, perSec: names.length / (ms / 1000) };
}

const provisionAll = (apis, names, workers, target) =>
  inParallel(names, workers, (name, w) => send(apis[w % apis.length].base, 'PUT', `/v1/nodes/${name}/states/provision`, { target }, 202));

/** Waits until the nodes named `prefix%` are `want` nodes in `state`, unlocked; throws on a failed one. */
async function waitState(db, prefix, state, want, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await db.query(
      `select count(*) filter (where provision_state = $2 and reservation is null)::int as done,
              count(*) filter (where provision_state in ('deploy failed', 'clean failed', 'inspect failed', 'error', 'enroll') and reservation is null and target_provision_state is null and last_error is not null)::int as failed,
              min(last_error) filter (where last_error is not null) as err
         from nodes where name like $1`,
      [`${prefix}%`, state],
    );
    const { done, failed, err } = r.rows[0];
    if (done === want) return;
    if (failed > 0) throw new Error(`${failed} node(s) ${prefix}* failed on the way to ${state}, e.g.: ${err}`);
    if (Date.now() > deadline) {
      const states = await db.query(`select provision_state, count(*)::int as n from nodes where name like $1 group by 1`, [`${prefix}%`]);
      throw new Error(`timed out waiting for ${want} ${prefix}* nodes in ${state}: ${JSON.stringify(states.rows)}`);
    }
    await sleep(200);
  }
}

/** The nodes (manageable, agent_timeout) made available, then deployed: parked in wait call-back for good. */
async function park(apis, names, db, prefix) {
  await provisionAll(apis, names, ENROLL_CLIENTS, 'provide');
  await waitState(db, prefix, 'available', names.length, 300_000);
  await inParallel(names, ENROLL_CLIENTS, (name, w) =>
    send(apis[w % apis.length].base, 'PATCH', `/v1/nodes/${name}`, [{ op: 'add', path: '/instance_info/image_source', value: 'http://127.0.0.1:1/img.raw' }, { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM }], 200),
  );
  await provisionAll(apis, names, ENROLL_CLIENTS, 'active');
  await waitState(db, prefix, 'wait call-back', names.length, 300_000);
}

/**
 * kill -9 of the manager owning the most parked nodes (by the hash ring over the live managers, as
 * they compute it); then the time until every one of those nodes is taken over by another manager (its
 * `took over node` line). Nodes not taken over within 2 heartbeat timeouts + 30 s are reported missing.
 */
async function takeover(mgrs, db) {
  const rings = new HashRings(mgrs.map((m) => ({ id: m.id, group: '', hardwareTypes: ['fake-hardware'] })));
  const parked = (await db.query(`select uuid, driver, conductor_group from nodes where provision_state = 'wait call-back'`)).rows;
  const heldBy = (m) => parked.filter((n) => rings.owner(n) === m.id).map((n) => n.uuid);
  const victim = mgrs.reduce((a, b) => (heldBy(b).length > heldBy(a).length ? b : a));
  const held = heldBy(victim);
  if (!held.length) throw new Error('the victim holds no parked node');
  await sleep(2000); // every manager has run a take-over pass over the full ring since the last joined
  const lastBeat = (await db.query(`select heartbeat_at from conductors where id = $1`, [victim.id])).rows[0]?.heartbeat_at;
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  await victim.exited;
  procs.delete(victim);
  const others = mgrs.filter((m) => m !== victim);
  const deadline = killedAt + 2 * HB_TIMEOUT * 1000 + 30_000;
  for (;;) {
    const after = new Map();
    for (const m of others) for (const l of m.logs) if (l.msg === 'took over node' && l.time >= killedAt && !after.has(l.node)) after.set(l.node, l.time);
    const taken = held.filter((n) => after.has(n));
    if (taken.length === held.length || Date.now() > deadline) {
      const times = taken.map((n) => after.get(n) - killedAt);
      const released = others.reduce((sum, m) => sum + m.logs.filter((l) => l.msg === 'released a node left by a stopped conductor' && l.time >= killedAt).length, 0);
      return {
        held: held.length,
        taken: taken.length,
        waitedMs: Date.now() - killedAt,
        first: times.length ? Math.min(...times) : NaN,
        last: times.length ? Math.max(...times) : NaN,
        sinceBeat: lastBeat ? killedAt - new Date(lastBeat).getTime() : NaN,
        released,
        survivors: others,
      };
    }
    for (const m of others) if (!running(m)) throw new Error(`a manager died: ${describe(m)}`);
    await sleep(50);
  }
}

/** Until the heartbeats of managers that died without signing off are older than the timeout. */
async function outliveDead(db) {
  const r = await db.query(`select max(heartbeat_at) as at from conductors where online = 1`);
  if (r.rows[0].at) await sleep(Math.max(0, new Date(r.rows[0].at).getTime() + HB_TIMEOUT * 1000 + 1000 - Date.now()));
}

/** Both take-overs on `dbUrl` (its parked nodes): same host with the pid check, then heartbeat only. */
async function takeovers(dbUrl, db, tag, powerSync) {
  const fastMgrs = await startManagers(dbUrl, MANAGERS, `${tag}p`, { powerSync });
  const fast = await takeover(fastMgrs, db);
  await Promise.all(fast.survivors.map((m) => stopProc(m)));
  // Without the pid check the killed manager counts as alive until its heartbeat is HB_TIMEOUT old: the
  // next managers would leave its nodes to it until then. Wait that out, so they start from a clean ring.
  await outliveDead(db);
  const slowMgrs = await startManagers(dbUrl, MANAGERS, `${tag}h`, { powerSync, env: { IRONPLAN_NO_PID_CHECK: '1' } });
  const slow = await takeover(slowMgrs, db);
  await Promise.all(slow.survivors.map((m) => stopProc(m)));
  await outliveDead(db);
  return { fast, slow };
}

// ------------------------------------------------------------------ CPU accounting (/proc)

const TICK_MS = 1000 / 100; // USER_HZ
function procCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime
  } catch {
    return 0;
  }
}
function postgresCpuMs() {
  const master = postgres.pid();
  let ms = procCpuMs(master);
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === master) ms += (Number(f[11]) + Number(f[12])) * TICK_MS;
    } catch {
      // gone since the listing
    }
  }
  return ms;
}
const cpuSnapshot = (managers) => ({ at: performance.now(), managers: managers.map((m) => procCpuMs(m.child.pid)), postgres: postgresCpuMs(), self: (process.cpuUsage().user + process.cpuUsage().system) / 1000 });

// ------------------------------------------------------------------ the run

const rows = [];
const row = (label, value, goal = '', verdict = '') => rows.push({ label, value, goal, verdict });
const detail = (text) => rows.push({ detail: text });
const met = (ok) => (ok ? 'MET' : 'NOT MET');
const loadAtStart = loadavg()[0].toFixed(2);

try {
  progress(`PostgreSQL, ${MANAGERS} managers, 2 APIs${SMOKE ? ' (smoke: tiny counts)' : ''}`);
  await startPostgres();
  const mainUrl = postgres.url;
  const db = await pgConnect(mainUrl);
  let managers = await startManagers(mainUrl, MANAGERS, 'a');
  const apis = [await startApi(mainUrl, 'A'), await startApi(mainUrl, 'B')];

  // ---- 3. creates/s through one API and through two; these nodes are the first of the fleet.
  const names = Array.from({ length: NODES }, (_, i) => `s${String(i).padStart(5, '0')}`);
  const parkedNames = Array.from({ length: PARKED }, (_, i) => `park${String(i).padStart(4, '0')}`);
  const plainNames = names.slice(0, NODES - PARKED);
  let at = 0;
  const take = (n) => plainNames.slice(at, (at += n));
  await create(apis, take(WARM), CREATE_CLIENTS, nodeBody); // unmeasured: JIT and connection warm-up
  progress(`creates: ${CREATES} through one API, ${CREATES} through two (${CREATE_CLIENTS} clients)`);
  const oneApi = await create([apis[0]], take(CREATES), CREATE_CLIENTS, nodeBody);
  const twoApis = await create(apis, take(CREATES), CREATE_CLIENTS, nodeBody);

  // ---- the rest of the fleet, as fast as the two APIs take it; the parked nodes' agents never call back.
  progress(`enrolling the rest: ${fmtN(NODES - at)} nodes through both APIs with ${ENROLL_CLIENTS} clients`);
  const enroll = await create(apis, take(NODES - PARKED - at), ENROLL_CLIENTS, nodeBody);
  const parkedEnroll = await create(apis, parkedNames, ENROLL_CLIENTS, (name, i) => nodeBody(name, i, { fake_agent_delay_ms: 10, fake_fail: 'agent_timeout' }));
  const enrolledCount = (await db.query(`select count(*)::int as n from nodes`)).rows[0].n;
  if (enrolledCount !== NODES) throw new Error(`${enrolledCount} nodes enrolled, expected ${NODES}`);
  const enrollMs = enroll.ms + parkedEnroll.ms;

  progress(`manage: ${fmtN(NODES)} nodes enroll → manageable`);
  const allNames = [...plainNames, ...parkedNames];
  let t = performance.now();
  await provisionAll(apis, plainNames, ENROLL_CLIENTS, 'manage');
  await provisionAll(apis, parkedNames, ENROLL_CLIENTS, 'manage');
  await waitState(db, 's', 'manageable', plainNames.length, 600_000);
  await waitState(db, 'park', 'manageable', PARKED, 600_000);
  const manageMs = performance.now() - t;
  if (allNames.length !== NODES) throw new Error('internal: name count');

  // ---- 2. GET /v1/nodes/detail?limit=1000, one client, sequential pages.
  progress(`list: GET /v1/nodes/detail?limit=1000, ${LIST_READS} sequential pages`);
  const lister = new Client(apis[0].base, { pipelining: 1 });
  // Pages are walked in order, from the first again after the last. A page that comes back short while
  // more nodes follow (no `next`) is a fault of the service: it is counted, and the same page asked again.
  let marker;
  let seen = 0;
  let short = 0;
  const page = async () => {
    for (let retry = 0; ; retry++) {
      const path = `/v1/nodes/detail?limit=1000${marker ? `&marker=${marker}` : ''}`;
      const s = performance.now();
      const r = await lister.request({ method: 'GET', path, headers: HEADERS });
      const body = await r.body.text();
      const ms = performance.now() - s;
      if (r.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${r.statusCode} ${body.slice(0, 300)}`);
      const nodes = JSON.parse(body).nodes;
      if (nodes.length < 1000 && seen + nodes.length < NODES) {
        short++;
        if (retry < 2) continue;
        throw new Error(`GET ${path}: ${nodes.length} nodes after ${seen} of ${NODES}, three times in a row`);
      }
      seen += nodes.length;
      marker = nodes.length === 1000 && seen < NODES ? nodes.at(-1).uuid : undefined;
      const walked = marker === undefined ? seen : undefined;
      if (marker === undefined) seen = 0;
      return { ms, n: nodes.length, bytes: body.length, walked };
    }
  };
  // One walk over every page first (unmeasured warm-up, and a check that paging sees the whole fleet).
  for (;;) {
    const p = await page();
    if (p.walked === undefined) continue;
    if (p.walked !== NODES) throw new Error(`paging listed ${p.walked} nodes, expected ${NODES}`);
    break;
  }
  const shortInWarmup = short;
  short = 0;
  const reads = [];
  let bytes = 0;
  for (let i = 0; i < LIST_READS; i++) {
    const p = await page();
    reads.push(p.ms);
    bytes = Math.max(bytes, p.bytes);
  }
  await lister.close();

  // ---- parked nodes for the take-over: manageable → available → deploying, parked in wait call-back.
  progress(`parking ${PARKED} nodes in wait call-back (their agents never call back)`);
  await park(apis, parkedNames, db, 'park');

  // ---- 1. power sync: the managers again, now syncing every SYNC_INTERVAL s.
  progress(`power sync: restarting the managers with --power-sync-interval ${SYNC_INTERVAL}; waiting for ${SYNC_PASSES} pass(es) each`);
  await Promise.all(managers.map((m) => stopProc(m)));
  managers = await startManagers(mainUrl, MANAGERS, 'b', { powerSync: SYNC_INTERVAL });
  const syncManagers = managers;
  const passes = (m) => m.logs.filter((l) => l.msg === 'power sync pass');
  // The CPU window: from the end of every manager's first pass (the first pays for JIT warm-up and for
  // the start's own reads) to the end of their last, or from their start when only one pass is asked for.
  const waitPasses = async (k) => {
    const deadline = Date.now() + 300_000 * k;
    while (managers.some((m) => passes(m).length < k)) {
      for (const m of managers) if (!running(m)) throw new Error(`a manager died: ${describe(m)}`);
      if (Date.now() > deadline) throw new Error(`power sync passes did not come: ${managers.map((m) => passes(m).length).join(', ')}`);
      await sleep(100);
    }
  };
  if (SYNC_PASSES > 1) await waitPasses(1);
  const cpuStart = cpuSnapshot(managers);
  const countedFrom = managers.map((m) => passes(m).length);
  await waitPasses(SYNC_PASSES);
  const cpuEnd = cpuSnapshot(managers);
  const steady = managers.map((m) => passes(m).slice(SYNC_PASSES > 1 ? 1 : 0, SYNC_PASSES));
  const syncedInWindow = managers.reduce((sum, m, i) => sum + passes(m).slice(countedFrom[i]).reduce((a, p) => a + p.nodes, 0), 0);
  const windowMs = cpuEnd.at - cpuStart.at;
  const mgrCpu = cpuEnd.managers.reduce((a, b) => a + b, 0) - cpuStart.managers.reduce((a, b) => a + b, 0);
  const pgCpu = cpuEnd.postgres - cpuStart.postgres;
  const selfCpu = cpuEnd.self - cpuStart.self;

  await Promise.all(managers.map((m) => stopProc(m)));

  // ---- 4. kill -9 of a manager holding parked nodes: same host (the pid check finds it dead at once),
  // then with IRONPLAN_NO_PID_CHECK=1 (only its heartbeat's age tells). On the fleet, with the power
  // sync running as above; then on a database of the parked nodes alone, where the managers' node lists
  // are short.
  await outliveDead(db);
  progress(`take-over on the fleet: kill -9 of a manager, pid check on, then IRONPLAN_NO_PID_CHECK=1 (--heartbeat-timeout ${HB_TIMEOUT})`);
  const fleetTakeover = await takeovers(mainUrl, db, 'fleet-', SYNC_INTERVAL);
  await Promise.all(apis.map((m) => stopProc(m)));
  progress(`take-over on ${PARKED} parked nodes alone: the same two kills`);
  await db.query(`create database takeover`);
  const smallUrl = postgres.urlOf('takeover');
  const smallDb = await pgConnect(smallUrl);
  const smallTakeover = await (async () => {
    const mgrs = await startManagers(smallUrl, MANAGERS, 'small-');
    const api = await startApi(smallUrl, 'small');
    const smallNames = Array.from({ length: PARKED }, (_, i) => `t${String(i).padStart(4, '0')}`);
    await create([api], smallNames, ENROLL_CLIENTS, (name, i) => nodeBody(name, i, { fake_agent_delay_ms: 10, fake_fail: 'agent_timeout' }));
    await provisionAll([api], smallNames, ENROLL_CLIENTS, 'manage');
    await waitState(smallDb, 't', 'manageable', PARKED, 300_000);
    await park([api], smallNames, smallDb, 't');
    await Promise.all([api, ...mgrs].map((m) => stopProc(m)));
    return takeovers(smallUrl, smallDb, 'small-', SYNC_INTERVAL);
  })();

  // ---- 5. enroll → active, 3 managers vs 1, one API, each on a fresh database.
  const flow = async (nManagers) => {
    const name = `flow_m${nManagers}`;
    await db.query(`create database ${name}`);
    const url = postgres.urlOf(name);
    const mgrs = await startManagers(url, nManagers, `f${nManagers}-`);
    const api = await startApi(url, `flow${nManagers}`);
    const fdb = await pgConnect(url);
    const fnames = Array.from({ length: FLOW_NODES }, (_, i) => `f${String(i).padStart(5, '0')}`);
    const steps = {};
    const cpuOf = () => ({ managers: mgrs.reduce((sum, m) => sum + procCpuMs(m.child.pid), 0), api: procCpuMs(api.child.pid), postgres: postgresCpuMs() });
    const cpu0 = cpuOf();
    const retries0 = retries;
    const t0 = performance.now();
    let s = t0;
    const lap = (k) => {
      const n = performance.now();
      steps[k] = n - s;
      s = n;
    };
    await create([api], fnames, FLOW_CLIENTS, (n, i) => nodeBody(n, i, { fake_agent_delay_ms: AGENT_DELAY }));
    lap('create');
    await provisionAll([api], fnames, FLOW_CLIENTS, 'manage');
    await waitState(fdb, 'f', 'manageable', FLOW_NODES, 600_000);
    lap('manage');
    await provisionAll([api], fnames, FLOW_CLIENTS, 'provide');
    await waitState(fdb, 'f', 'available', FLOW_NODES, 600_000);
    lap('provide');
    await inParallel(fnames, FLOW_CLIENTS, (n) =>
      send(api.base, 'PATCH', `/v1/nodes/${n}`, [{ op: 'add', path: '/instance_info/image_source', value: 'http://127.0.0.1:1/img.raw' }, { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM }], 200),
    );
    await provisionAll([api], fnames, FLOW_CLIENTS, 'active');
    await waitState(fdb, 'f', 'active', FLOW_NODES, 600_000);
    lap('deploy');
    const total = performance.now() - t0;
    const cpu1 = cpuOf();
    const cpu = Object.fromEntries(Object.keys(cpu1).map((k) => [k, cpu1[k] - cpu0[k]]));
    const spread = (await fdb.query(`select count(distinct conductor)::int as n from events where type = 'provision' and conductor is not null`)).rows[0].n;
    pgClients.delete(fdb);
    await fdb.end();
    await Promise.all([api, ...mgrs].map((m) => stopProc(m)));
    return { total, steps, spread, cpu, retries: retries - retries0 };
  };
  progress(`enroll → active: ${FLOW_NODES} nodes, ${MANAGERS} managers`);
  const flow3 = await flow(MANAGERS);
  progress(`enroll → active: ${FLOW_NODES} nodes, 1 manager`);
  const flow1 = await flow(1);

  // ------------------------------------------------------------------ figures
  const worstPass = Math.max(...steady.flat().map((p) => p.ms));
  const which = SYNC_PASSES > 2 ? `passes 2–${SYNC_PASSES}` : `pass ${SYNC_PASSES}`;
  console.log(
    `bench/scale${SMOKE ? ' --smoke' : ''}: the API and ${MANAGERS} managers as processes on PostgreSQL 15, ${fmtN(NODES)} fake-hardware nodes; ` +
      `${cpus().length} cores, load average ${loadAtStart} at the start, ${loadavg()[0].toFixed(2)} at the end; run ${fmtS(performance.now() - benchStart)}`,
  );
  row(`power sync pass, slowest manager (${which})`, fmtS(worstPass), `≤ ${fmtS(GOALS.passMs)}`, met(worstPass <= GOALS.passMs));
  detail(`per manager (nodes: every pass, ms): ${syncManagers.map((m) => `${fmtN(passes(m)[0].nodes)}: ${passes(m).map((x) => x.ms).join(', ')}`).join(' | ')}`);
  detail(
    `CPU over ${which} (${fmtS(windowMs)}, ${fmtN(syncedInWindow)} nodes synced): managers ${((mgrCpu / windowMs) * 100).toFixed(0)}%, PostgreSQL ${((pgCpu / windowMs) * 100).toFixed(0)}%, ` +
      `this script ${((selfCpu / windowMs) * 100).toFixed(0)}% of one core; per node synced ${((mgrCpu * 1000) / syncedInWindow).toFixed(0)} µs in the managers + ${((pgCpu * 1000) / syncedInWindow).toFixed(0)} µs in PostgreSQL`,
  );
  row(`GET /v1/nodes/detail?limit=1000, p50 of ${LIST_READS} pages`, `${median(reads).toFixed(0)} ms`);
  detail(`p90 ${pct(reads, 90).toFixed(0)} ms, max ${Math.max(...reads).toFixed(0)} ms; ${(bytes / 1e6).toFixed(2)} MB a page; one client, sequential, marker paging over ${fmtN(NODES)} nodes`);
  if (short || shortInWarmup) {
    detail(
      `FAULT: ${short} of the ${LIST_READS} pages (and ${shortInWarmup} in the walk before) came back short with more nodes to come, and were asked again ` +
        `(the store's listNodes clears its node cache past 2×limit+10,000 entries after filling it, and drops the page's nodes it no longer finds there)`,
    );
  }
  row(`POST /v1/nodes through 1 API, ${CREATE_CLIENTS} clients`, `${oneApi.perSec.toFixed(0)}/s`);
  detail(`${fmtN(CREATES)} creates in ${fmtS(oneApi.ms)}`);
  row(`POST /v1/nodes through 2 APIs, ${CREATE_CLIENTS} clients`, `${twoApis.perSec.toFixed(0)}/s`);
  detail(`${fmtN(CREATES)} creates in ${fmtS(twoApis.ms)}, ${(twoApis.perSec / oneApi.perSec).toFixed(2)}× one API`);
  row(`enroll of the fleet, 2 APIs, ${ENROLL_CLIENTS} clients`, `${((NODES - WARM - 2 * CREATES) / (enrollMs / 1000)).toFixed(0)}/s`);
  detail(`${fmtN(NODES - WARM - 2 * CREATES)} nodes in ${fmtS(enrollMs)}`);
  row(`manage of the fleet, enroll → manageable`, `${(NODES / (manageMs / 1000)).toFixed(0)}/s`);
  detail(`${fmtN(NODES)} nodes in ${fmtS(manageMs)} (requests and waiting)`);
  const takeoverRows = (where, t) => {
    for (const [k, label, x] of [
      ['fast', 'same host (pid check)', t.fast],
      ['slow', `heartbeat only (timeout ${HB_TIMEOUT} s)`, t.slow],
    ]) {
      const all = x.taken === x.held;
      row(`take-over after kill -9, ${where}, ${label}`, all ? fmtS(x.last) : `${x.taken} of ${x.held}`, `≤ ${fmtS(GOALS.takeoverMs)}`, met(all && x.last <= GOALS.takeoverMs));
      const beat = k === 'slow' ? `; IRONPLAN_NO_PID_CHECK=1, its last heartbeat ${fmtS(x.sinceBeat)} before the kill` : '';
      const locks = x.released ? `; ${x.released} of its locks released` : '';
      if (all) detail(`the ${x.held} nodes it held in wait call-back: first taken over ${fmtS(x.first)}, last ${fmtS(x.last)} after the kill${beat}${locks}`);
      else
        detail(
          `NOT TAKEN OVER: ${x.held - x.taken} of the ${x.held} nodes it held in wait call-back, ${fmtS(x.waitedMs)} after the kill` +
            `${x.taken ? ` (the others by ${fmtS(x.last)})` : ''}${beat}${locks}`,
        );
    }
  };
  takeoverRows(`${fmtN(NODES)} nodes`, fleetTakeover);
  takeoverRows(`${fmtN(PARKED)} nodes`, smallTakeover);
  const steps = (f) => Object.entries(f.steps).map(([k, v]) => `${k} ${fmtS(v)}`).join(', ');
  row(`enroll → active, ${fmtN(FLOW_NODES)} nodes, ${MANAGERS} managers`, fmtS(flow3.total));
  const flowCpu = (f) => `CPU: managers ${fmtS(f.cpu.managers)}, API ${fmtS(f.cpu.api)}, PostgreSQL ${fmtS(f.cpu.postgres)}; ${f.retries} requests retried (409/503)`;
  detail(`${steps(flow3)}; provision events written by ${flow3.spread} managers; ${flowCpu(flow3)}`);
  row(`enroll → active, ${fmtN(FLOW_NODES)} nodes, 1 manager`, fmtS(flow1.total));
  detail(`${steps(flow1)}; ${flowCpu(flow1)}; ${MANAGERS} managers took ${((flow3.total / flow1.total) * 100).toFixed(0)}% of one manager's time`);
  const w = Math.max(...rows.filter((r) => !r.detail).map((r) => r.label.length));
  const v = Math.max(...rows.filter((r) => !r.detail).map((r) => r.value.length));
  for (const r of rows) console.log(r.detail ? `    ${r.detail}` : `${r.label.padEnd(w)}  ${r.value.padStart(v)}  ${r.goal.padEnd(8)}  ${r.verdict}`.trimEnd());
  console.log(
    `The managers, APIs, PostgreSQL and this script share ${cpus().length} cores: the three managers' power-sync passes run at once on them. ` +
      `The same-host take-over is the pid check's (a dead peer on this host is dead at once); the heartbeat one is what managers on different hosts see.`,
  );
  process.exitCode = rows.some((r) => r.verdict === 'NOT MET') ? 1 : 0;
} finally {
  await cleanup();
}
