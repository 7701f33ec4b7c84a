// Slow end-to-end: the API service and three managers as separate processes on one PostgreSQL 15. Nodes
// are enrolled and deployed through the API (fake-hardware, simulated agent); one manager is killed with
// SIGKILL mid-deploy. Every node must end at its target or in a failed state with a reason, none stuck or
// lost, and the event log must show no node worked on by two managers at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    // Every process sharing the database is given the same secrets key file.
    const common = ['--db', db.url, '--rpc-secret-file', secretFile, '--secrets-key-file', join(dir, 'secrets.key'), '--heartbeat-timeout', String(HEARTBEAT_TIMEOUT_SEC)];
    // The first manager migrates the schema; the others start once it is there.
    for (let i = 0; i < 3; i++) {
      // Each manager serves its own boot root; the deploy kernel and ramdisk are in every one of them.
      mkdirSync(join(dir, `m${i}`, 'boot'), { recursive: true });
      for (const f of ['deploy.vmlinuz', 'deploy.initrd']) writeFileSync(join(dir, `m${i}`, 'boot', f), `${f} of m${i}`);
      const m = start(['manager', ...common, '--heartbeat-interval', '1', '--state-dir', join(dir, `m${i}`), '--power-sync-interval', '0', '--deploy-callback-timeout', '60', '--boot-listen', '127.0.0.1:0']);
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
    // Mid-deploy: agents are writing, many nodes parked for them (no lock held), some locked in a step.
    for (let i = 0; ; i++) {
      const parked = await client!.query(`select count(*)::int as n from nodes where provision_state = 'wait call-back' and reservation is null`);
      if (parked.rows[0].n >= NODES / 3) break;
      if (i > 100) throw new Error(`the deploys did not park for their agents (${parked.rows[0].n} parked)`);
      await sleep(50);
    }
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
    // The only failures are the dead manager's interrupted steps (Ironic's rule for a lock it held).
    for (const n of done.filter((x) => x.provision_state !== 'active')) expect(n.last_error).toMatch(/interrupted: the conductor working on it stopped/);

    // The dead manager wrote nothing after it died, and no node's events interleave two managers: once
    // another manager works on a node, the first never does again.
    const events = await client!.query(`select node_uuid, conductor, time from events where node_uuid is not null and conductor is not null order by id`);
    const rows = events.rows as Array<{ node_uuid: string; conductor: string; time: string }>;
    const byNode = byNodeOf(events);
    for (const [node, seq] of byNode) expect(new Set(seq).size, `node ${node} worked on by ${seq.join(' → ')}`).toBe(seq.length);
    expect(rows.filter((r) => r.conductor === victimId && r.time > killedAt)).toEqual([]);
    // The dead manager had work: its nodes changed hands, and those parked for their agent then completed
    // under the new owner.
    const handedOver = done.filter((n) => byNode.get(n.uuid)?.length === 2 && byNode.get(n.uuid)![0] === victimId);
    expect(handedOver.filter((n) => n.provision_state === 'active').length).toBeGreaterThan(0);

    // The API lists the managers as Ironic's conductors: the killed one is not alive.
    const conductors = (await call('GET', '/v1/conductors?detail=true')).body.conductors as Array<{ hostname: string; alive: boolean; drivers: string[] }>;
    expect(conductors).toHaveLength(3);
    expect(conductors.filter((c) => !c.alive).map((c) => c.hostname)).toEqual([victimId]);
    expect(conductors.every((c) => c.drivers.includes('fake-hardware'))).toBe(true);

    // Nothing lost: every node still there, each with its port-less record intact.
    expect((await nodes()).map((n) => n.name).sort()).toEqual(done.map((n) => n.name).sort());
  }, 400_000);

  it('each manager serves the boot files of its nodes; the API sends each machine to its node\'s manager, and a new owner rewrites them', async () => {
    // Parked for an agent that never comes (agent_timeout), with iPXE boot: their deploy scripts stay.
    const macs: string[] = [];
    for (let i = 0; i < 6; i++) {
      const mac = `52:54:00:bb:00:${String(i).padStart(2, '0')}`;
      macs.push(mac);
      const name = `pxe${i}`;
      const created = await call('POST', '/v1/nodes', { name, driver: 'fake-hardware', boot_interface: 'ipxe', driver_info: { fake_fail: 'agent_timeout', deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd' } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect((await call('POST', '/v1/ports', { node_uuid: created.body.uuid, address: mac })).status).toBe(201);
      for (const target of ['manage', 'provide']) {
        expect((await call('PUT', `/v1/nodes/${name}/states/provision?wait=30`, { target })).status).toBe(202);
      }
      await call('PATCH', `/v1/nodes/${name}`, [{ op: 'add', path: '/instance_info/image_source', value: 'http://127.0.0.1:1/img.raw' }, { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM }]);
      expect((await call('PUT', `/v1/nodes/${name}/states/provision`, { target: 'active' })).status).toBe(202);
    }
    for (let i = 0; (await nodes()).filter((n) => n.name.startsWith('pxe') && n.provision_state === 'wait call-back' && n.reservation === null).length < 6; i++) {
      if (i > 200) throw new Error('the iPXE nodes did not park for their agents');
      await sleep(100);
    }
    const scriptOf = async (mac: string) => {
      const res = await fetch(`${api}/boot/nodes/${mac.replace(/:/g, '-')}.ipxe`, { redirect: 'manual' });
      expect(res.status, await res.clone().text()).toBe(307);
      const location = res.headers.get('location')!;
      const script = await (await fetch(location)).text();
      return { location, script };
    };
    // DHCP points every machine at the API's chain script.
    expect(await (await fetch(`${api}/boot/boot.ipxe`)).text()).toContain(`chain --autofree ${api}/boot/nodes/`);
    const before = new Map<string, string>();
    for (const mac of macs) {
      const { location, script } = await scriptOf(mac);
      // The kernel comes from the same manager that wrote the script.
      const base = location.slice(0, location.indexOf('/boot/'));
      expect(script).toContain(`kernel ${base}/boot/deploy.vmlinuz`);
      before.set(mac, base);
    }
    // Kill a manager that serves some of them: its nodes' scripts move to their new owner, rewritten.
    const byBase = [...new Set(before.values())];
    const victimBase = byBase[0]!;
    const victim = managers.find((m) => m.stderr().includes(victimBase))!;
    expect(victim, 'the manager serving boot files there').toBeTruthy();
    victim.child.kill('SIGKILL');
    const moved = macs.filter((m) => before.get(m) === victimBase);
    expect(moved.length).toBeGreaterThan(0);
    const deadline = Date.now() + 2 * HEARTBEAT_TIMEOUT_SEC * 1000 + 10_000;
    for (const mac of moved) {
      for (;;) {
        const res = await fetch(`${api}/boot/nodes/${mac.replace(/:/g, '-')}.ipxe`, { redirect: 'manual' });
        const location = res.headers.get('location') ?? '';
        if (res.status === 307 && !location.startsWith(victimBase)) {
          const script = await fetch(location).then((r) => (r.ok ? r.text() : ''), () => '');
          const base = location.slice(0, location.indexOf('/boot/'));
          if (script.includes(`kernel ${base}/boot/deploy.vmlinuz`)) break;
        }
        if (Date.now() > deadline) throw new Error(`node with ${mac} was not taken over with its boot files (last: HTTP ${res.status} ${location})`);
        await sleep(250);
      }
    }
    for (const mac of macs.filter((m) => !moved.includes(m))) expect((await scriptOf(mac)).location.startsWith(before.get(mac)!)).toBe(true);
  }, 120_000);

  it('an apply runs in a manager: it finishes while the API is killed and restarted', async () => {
    // Two managers were killed above: a new one joins, so the apply's nodes are spread over two owners.
    const joining = start(['manager', '--db', db!.url, '--rpc-secret-file', join(dir, 'rpc-secret'), '--secrets-key-file', join(dir, 'secrets.key'), '--heartbeat-timeout', String(HEARTBEAT_TIMEOUT_SEC), '--heartbeat-interval', '1', '--state-dir', join(dir, 'm3'), '--power-sync-interval', '0']);
    procs.push(joining);
    for (let i = 0; ; i++) {
      const live = await client!.query(`select count(*)::int as n from conductors where online = 1 and heartbeat_at > $1`, [new Date(Date.now() - 2000).toISOString()]);
      if (live.rows[0].n >= 2) break;
      if (i > 300) throw new Error(`the new manager did not join:\n${joining.stderr()}`);
      await sleep(100);
    }
    // Managers re-read the ring every heartbeat interval (1 s here): let the survivor see the newcomer.
    await sleep(1500);
    const fleet = {
      nodes: Array.from({ length: 20 }, (_, i) => ({ name: `fleet${i}`, driver: 'fake-hardware', resource_class: 'fleet', driver_info: { fake_power_delay_ms: 50, fake_agent_delay_ms: 200 } })),
      deployments: Array.from({ length: 10 }, (_, i) => ({ name: `web${i}`, node_selector: { resource_class: 'fleet' }, image_source: 'http://127.0.0.1:1/img.raw', image_checksum: CHECKSUM })),
    };
    expect((await call('PUT', '/v1/specs', fleet)).status).toBe(200);
    const plan = await call('POST', '/v1/plans');
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    const started = await call('POST', `/v1/plans/${plan.body.id}/apply`, {});
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const applyId = started.body.apply_id as string;
    // Kill the API while the apply runs, then start another on the same port.
    const apiProc = procs.find((p) => p.child.spawnargs.includes('api'))!;
    apiProc.child.kill('SIGKILL');
    const port = new URL(api).port;
    const again = start(['api', '--db', db!.url, '--rpc-secret-file', join(dir, 'rpc-secret'), '--secrets-key-file', join(dir, 'secrets.key'), '--heartbeat-timeout', String(HEARTBEAT_TIMEOUT_SEC), '--port', port]);
    procs.push(again);
    for (let i = 0; !(await fetch(`${api}/v1`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error(`the API did not restart:\n${again.stderr()}`);
      await sleep(100);
    }
    let apply: any;
    for (let i = 0; ; i++) {
      apply = (await call('GET', `/v1/applies/${applyId}`)).body;
      if (apply.status !== 'running') break;
      if (i > 600) throw new Error(`apply still running: ${JSON.stringify(apply)}`);
      await sleep(200);
    }
    expect(apply.status, JSON.stringify(apply.actions.filter((a: any) => a.status !== 'done'))).toBe('succeeded');
    const after = await call('POST', '/v1/plans');
    expect(after.body.actions).toEqual([]);
    // The apply ran in one manager, but each node's verbs went to the node's owner: its flows (and boot
    // files) are there, so the fleet's work is spread over the live managers, one per node.
    const fleetEvents = await client!.query(
      `select e.node_uuid, e.conductor from events e join nodes x on x.uuid = e.node_uuid where x.name like 'fleet%' and e.type in ('provision', 'power') and e.conductor is not null order by e.id`,
    );
    const seqs = byNodeOf(fleetEvents);
    expect(seqs.size).toBe(20);
    // (A node may change hands once while the new manager's arrival reaches every ring, never back.)
    for (const [node, seq] of seqs) expect(new Set(seq).size, `node ${node} worked on by ${seq.join(' → ')}`).toBe(seq.length);
    expect(new Set([...seqs.values()].map((seq) => seq.at(-1))).size, JSON.stringify([...seqs.values()])).toBeGreaterThan(1);
  }, 180_000);
});
