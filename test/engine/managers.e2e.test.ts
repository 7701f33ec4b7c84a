// Slow end-to-end: the API service and three managers as separate processes on one PostgreSQL 15. Nodes
// are enrolled and deployed through the API (fake-hardware, simulated agent); one manager is killed with
// SIGKILL mid-deploy. Every node must end at its target or in a failed state with a reason, none stuck or
// lost, and the event log must show no node worked on by two managers at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freeTcpPort } from '../../lab/ports.js';
import { hasPostgres, startPostgres, type Postgres } from './pg.js';
import { bin } from './serve-process.js';
import { FAILED_STATES, STABLE_STATES } from '../../engine/states.js';

if (!hasPostgres) console.warn('\n*** PostgreSQL (initdb) is not on PATH: the managers suite is SKIPPED ***\n');

const NODES = Number(process.env.IRONPLAN_MANAGERS_E2E_NODES ?? 300);
const HEARTBEAT_TIMEOUT_SEC = 4;
const SECRET = 'managers-e2e-shared-secret-0123456789';
const CHECKSUM = `sha256:${'ab'.repeat(32)}`;

interface Proc {
  child: ChildProcess;
  stderr: () => string;
}

function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, IRONPLAN_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  return { child, stderr: () => err };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each node's managers in the order they wrote its events, repeats folded (A A B → A B). */
function byNodeOf(result: { rows: Array<{ node_uuid: string; conductor: string }> }): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const r of result.rows) {
    const seq = byNode.get(r.node_uuid) ?? [];
    if (seq.at(-1) !== r.conductor) seq.push(r.conductor);
    byNode.set(r.node_uuid, seq);
  }
  return byNode;
}

describe.skipIf(!hasPostgres)('API and three managers on PostgreSQL (slow)', () => {
  let db: Postgres | undefined;
  let dir = '';
  let api = '';
  let client: pg.Client | undefined;
  const procs: Proc[] = [];
  const managers: Proc[] = [];

  beforeAll(async () => {
    db = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'ironplan-managers-'));
    const secretFile = join(dir, 'rpc-secret');
    writeFileSync(secretFile, SECRET, { mode: 0o600 });
    const common = ['--db', db.url, '--rpc-secret-file', secretFile, '--heartbeat-timeout', String(HEARTBEAT_TIMEOUT_SEC)];
    // The first manager migrates the schema; the others start once it is there.
    for (let i = 0; i < 3; i++) {
      const m = start(['manager', ...common, '--heartbeat-interval', '1', '--state-dir', join(dir, `m${i}`), '--power-sync-interval', '0', '--deploy-callback-timeout', '60']);
      managers.push(m);
      procs.push(m);
      if (i === 0) await sleep(1500);
    }
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // The API reads the managers when it starts (and again every few seconds): start it once all are up.
    for (let i = 0; ; i++) {
      const live = await client.query(`select count(*)::int as n from conductors where online = 1 and catalog is not null`).catch(() => ({ rows: [{ n: 0 }] }));
      if (live.rows[0].n === 3) break;
      if (i > 300) throw new Error(`managers did not start:\n${procs.map((p) => p.stderr()).join('\n')}`);
      await sleep(100);
    }
    const port = await freeTcpPort();
    const a = start(['api', ...common, '--port', String(port)]);
    procs.push(a);
    api = `http://127.0.0.1:${port}`;
    for (let i = 0; !(await fetch(`${api}/v1`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error(`the API did not start:\n${a.stderr()}`);
      await sleep(100);
    }
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await client?.end();
    db?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-openstack-ironic-api-version': 'latest' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  async function nodes(): Promise<any[]> {
    return (await call('GET', '/v1/nodes/detail?limit=1000')).body.nodes;
  }

  /** Waits until every node satisfies `settled`; returns them. */
  async function until(settled: (n: any) => boolean, what: string, timeoutMs: number): Promise<any[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await nodes();
      if (all.length === NODES && all.every(settled)) return all;
      if (Date.now() > deadline) {
        const off = all.filter((n) => !settled(n)).slice(0, 5).map((n) => `${n.name}: ${n.provision_state} (target ${n.target_provision_state}, reservation ${n.reservation})`);
        throw new Error(`timed out waiting for ${what}: ${all.filter((n) => !settled(n)).length} not there, e.g. ${off.join('; ')}`);
      }
      await sleep(250);
    }
  }

  /** Sends one verb to every node, in parallel batches, retrying a node that is briefly locked. */
  async function each(fn: (name: string) => Promise<{ status: number; body: any }>, expected: number) {
    const names = Array.from({ length: NODES }, (_, i) => `n${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(
        names.slice(i, i + 25).map(async (name) => {
          for (let attempt = 0; ; attempt++) {
            const r = await fn(name);
            if (r.status === expected) return;
            if (r.status !== 409 || attempt > 50) throw new Error(`${name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
            await sleep(100);
          }
        }),
      );
    }
  }

  it(`enrolls and deploys ${NODES} nodes through the API; a manager killed mid-deploy loses nothing and leaves nothing stuck`, async () => {
    expect((await call('GET', '/v1/drivers')).body.drivers.map((d: any) => d.name)).toContain('fake-hardware');
    await each((name) => call('POST', '/v1/nodes', { name, driver: 'fake-hardware', driver_info: { fake_power_delay_ms: 20, fake_agent_delay_ms: 600 } }), 201);
    await each((name) => call('PUT', `/v1/nodes/${name}/states/provision`, { target: 'manage' }), 202);
    await until((n) => n.provision_state === 'manageable' && n.reservation === null, 'manageable', 60_000);
    await each((name) => call('PUT', `/v1/nodes/${name}/states/provision`, { target: 'provide' }), 202);
    await until((n) => n.provision_state === 'available' && n.reservation === null, 'available', 120_000);

    // Work is spread over the three managers (each works on the nodes the ring gives it).
    const owners = await client!.query(`select conductor, count(distinct node_uuid)::int as n from events where type = 'provision' and conductor is not null group by conductor`);
    expect(owners.rows.length).toBe(3);

    await each((name) => call('PATCH', `/v1/nodes/${name}`, [{ op: 'add', path: '/instance_info/image_source', value: 'http://127.0.0.1:1/img.raw' }, { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM }]), 200);
    await each((name) => call('PUT', `/v1/nodes/${name}/states/provision`, { target: 'active' }), 202);
    // Mid-deploy: agents are writing, some nodes parked for them, some locked in a step.
    const parked = await client!.query(`select count(*)::int as n from nodes where provision_state in ('deploying', 'wait call-back')`);
    expect(parked.rows[0].n, 'the kill lands mid-deploy').toBeGreaterThan(NODES / 2);
    const victim = managers[1]!;
    const victimId = (await client!.query(`select id from conductors where id like $1`, [`%:${victim.child.pid}:%`])).rows[0]?.id as string;
    expect(victimId).toBeTruthy();
    victim.child.kill('SIGKILL');
    const killedAt = new Date().toISOString();
    const killedStart = Date.now();

    // Within two heartbeat timeouts the dead manager's nodes belong to others, who finish or fail them.
    const done = await until(
      (n) => n.reservation === null && (n.provision_state === 'active' || FAILED_STATES.includes(n.provision_state)),
      'every node active or failed',
      2 * HEARTBEAT_TIMEOUT_SEC * 1000 + 90_000,
    );
    const settleSec = (Date.now() - killedStart) / 1000;
    expect(done).toHaveLength(NODES);
    for (const n of done) {
      expect(STABLE_STATES).toContain(n.provision_state);
      if (n.provision_state !== 'active') expect(n.last_error, `${n.name} failed without a reason`).toBeTruthy();
    }
    const active = done.filter((n) => n.provision_state === 'active').length;
    const moved = [...byNodeOf(await client!.query(`select node_uuid, conductor from events where node_uuid is not null and conductor is not null order by id`)).values()].filter((seq) => seq.length > 1).length;
    console.log(`managers e2e: ${NODES} nodes, ${active} active, ${NODES - active} failed with a reason, ${moved} changed hands; settled ${settleSec.toFixed(1)} s after the kill`);
    // Parked nodes of the dead manager continued under their new owner: most deploys complete.
    expect(active).toBeGreaterThan(NODES * 0.8);

    // The dead manager wrote nothing after it died, and no node's events interleave two managers: once
    // another manager works on a node, the first never does again.
    const events = await client!.query(`select node_uuid, conductor, time from events where node_uuid is not null and conductor is not null order by id`);
    const rows = events.rows as Array<{ node_uuid: string; conductor: string; time: string }>;
    const byNode = byNodeOf(events);
    for (const [node, seq] of byNode) expect(new Set(seq).size, `node ${node} worked on by ${seq.join(' → ')}`).toBe(seq.length);
    expect(rows.filter((r) => r.conductor === victimId && r.time > killedAt)).toEqual([]);
    // The dead manager had work: its nodes changed hands.
    expect([...byNode.values()].some((seq) => seq.length === 2 && seq[0] === victimId)).toBe(true);

    // Nothing lost: every node still there, each with its port-less record intact.
    expect((await nodes()).map((n) => n.name).sort()).toEqual(done.map((n) => n.name).sort());
  }, 400_000);
});
