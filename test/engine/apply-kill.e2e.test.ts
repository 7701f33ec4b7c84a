// Slow end-to-end: the real CLI applies 60 fake nodes and 30 deployments by selector and is SIGKILLed at
// 20 random moments; one uninterrupted apply afterwards must converge. Each kill can leave nodes parked
// for an agent that died with the process (clean wait, wait call-back) or failed by the recovery rule, so
// the next apply has to resume or retry them and let deployments wait for nodes still on their way.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Engine } from '../../engine/engine.js';
import { freeTcpPort } from '../../lab/ports.js';
import { BUILTIN_DRIVERS, openTestEngine, quietLog, SHA, tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'ironplan.js');
const built = join(root, 'dist', 'engine', 'cli', 'main.js');

const NODES = 60;
const DEPLOYMENTS = 30;
const KILLS = 20;

function fleet(): unknown {
  const nodes = [];
  for (let i = 0; i < NODES; i++) {
    nodes.push({
      name: `k${String(i).padStart(2, '0')}`,
      driver: 'fake-hardware',
      resource_class: 'std',
      // Agents slower than an apply that fails at once lives: an agent resumed after a kill then dies with
      // that apply unless the apply waits for its node (before the fix, such nodes stayed parked).
      driver_info: { fake_power_delay_ms: 10, fake_agent_delay_ms: 400 },
      ports: [{ address: `52:54:00:20:00:${i.toString(16).padStart(2, '0')}` }],
    });
  }
  const deployments = [];
  for (let i = 0; i < DEPLOYMENTS; i++) {
    deployments.push({ name: `d${String(i).padStart(2, '0')}`, node_selector: { resource_class: 'std' }, image_source: 'http://127.0.0.1:1/img.raw', image_checksum: `sha256:${'c'.repeat(64)}` });
  }
  return { nodes, deployments };
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  ms: number;
  /** When the plan was printed, i.e. when applying began (undefined if it never was). */
  plannedAtMs?: number;
}

/**
 * Runs the CLI; kills it `killAfterMs` after it starts or, with `afterPlanMs`, that long after it has
 * printed its plan (applying has begun: a kill there is surely mid-apply, however fast the machine is).
 */
function cli(args: string[], killAfterMs?: number, afterPlanMs?: number): Promise<Run> {
  const start = Date.now();
  const proc = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IRONPLAN_LOG_LEVEL: 'error' } });
  let out = '';
  let plannedAtMs: number | undefined;
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (plannedAtMs === undefined && out.includes('ironplan will perform')) {
      plannedAtMs = Date.now() - start;
      if (afterPlanMs !== undefined) setTimeout(() => proc.kill('SIGKILL'), afterPlanMs);
    }
  });
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, ms: Date.now() - start, plannedAtMs });
    });
  });
}

async function killedApplies(db: string, file: string): Promise<void> {
  const apply = ['apply', '-f', file, '--auto-approve', '--db', db];
  // The length of a whole apply from nothing, on a database of its own: the kills land inside it.
  const probeDir = tempDir('ironplan-kill-probe-');
  let duration: number;
  let applyingFrom: number;
  try {
    const probeDb = db.startsWith('postgres://') ? db.replace(/\/postgres$/, '/probe') : join(probeDir.dir, 'probe.db');
    const probe = await cli(['apply', '-f', file, '--auto-approve', '--db', probeDb]);
    expect(probe.code, probe.out.slice(-2000)).toBe(0);
    duration = probe.ms;
    applyingFrom = probe.plannedAtMs ?? 0;
  } finally {
    probeDir.cleanup();
  }

  // Kysely runs SQLite migrations outside a transaction, so a kill during the very first migration can
  // leave a half-made schema: that is not what this test is about, so the database exists beforehand.
  const init = await cli(['node', 'list', '--db', db]);
  expect(init.code, init.out).toBe(0);

  const log: string[] = [];
  let midApply = 0;
  for (let i = 0; i < KILLS; i++) {
    // The first kill surely cuts the first apply short (a run outlasting its kill converges, and every
    // later one then finds nothing to do); the others fall anywhere in a run's length.
    // The first is timed from the printed plan, not from the start: a loaded machine makes the probe's
    // timings a poor guide, and a first run outlasting its kill would leave nothing to cut short later.
    const first = i === 0;
    const at = Math.round(first ? Math.random() * 0.5 * (duration - applyingFrom) : Math.random() * duration);
    const r = first ? await cli(apply, undefined, at) : await cli(apply, at);
    if (r.signal === 'SIGKILL' && /ironplan will perform/.test(r.out)) midApply++;
    log.push(`kill ${i} at ${at} ms: ${r.signal ?? `exit ${r.code}`} after ${r.ms} ms: ${r.out.trim().split('\n').slice(-1)[0] ?? ''}`);
  }
  expect(midApply, log.join('\n')).toBeGreaterThan(0);

  const last = await cli(apply);
  const context = `apply run ${duration} ms; kills:\n${log.join('\n')}\nfinal apply:\n${last.out.slice(-4000)}`;
  expect(last.code, context).toBe(0);

  const engine = await Engine.open({ database: db, log: quietLog, drivers: BUILTIN_DRIVERS, powerSyncIntervalSec: 0, scanDriverPackages: false, startConductor: false });
  try {
    const nodes = await engine.nodes.listNodes();
    const deployments = await engine.store.listDeployments();
    const byUuid = new Map(nodes.map((n) => [n.uuid, n]));
    expect(deployments, context).toHaveLength(DEPLOYMENTS);
    const notActive = deployments.filter((d) => {
      const n = d.node_uuid ? byUuid.get(d.node_uuid) : undefined;
      return !n || n.provision_state !== 'active' || n.instance_uuid !== d.uuid;
    });
    expect(notActive.map((d) => d.name), context).toEqual([]);
    expect(new Set(deployments.map((d) => d.node_uuid)).size).toBe(DEPLOYMENTS);
    const states = nodes.reduce<Record<string, number>>((acc, n) => ({ ...acc, [n.provision_state]: (acc[n.provision_state] ?? 0) + 1 }), {});
    expect(states, context).toEqual({ active: DEPLOYMENTS, available: NODES - DEPLOYMENTS });
    expect(nodes.filter((n) => n.reservation !== null)).toEqual([]);
  } finally {
    await engine.close();
  }

  const plan = await cli(['plan', '-f', file, '--detailed-exitcode', '--db', db]);
  expect(plan.out, context).toMatch(/^No changes/);
  expect(plan.code).toBe(0);
}

describe('nodes parked for an agent that never comes back (slow)', () => {
  it('fail at their deadline; the apply cleans them again, and deployments by selector and by name wait for them', async () => {
    const t = await openTestEngine({ settings: { deployCallbackTimeoutSec: 2 } });
    try {
      const c = t.engine.conductor;
      // Parked in clean wait with no agent to call back, as after a kill that took the agent with it.
      for (const name of ['s1', 'n1']) {
        await c.createNode({ name, driver: 'fake-hardware', resource_class: name === 's1' ? 'sel' : 'named', driver_info: { fake_fail: 'clean_timeout' }, managed: true });
        await (await c.provision(name, 'manage')).done;
        await (await c.provision(name, 'provide')).done;
        expect((await t.engine.nodes.getNode(name)).provision_state).toBe('clean wait');
      }
      await t.engine.putSpecs({
        nodes: [
          { name: 's1', driver: 'fake-hardware', resource_class: 'sel' },
          { name: 'n1', driver: 'fake-hardware', resource_class: 'named' },
        ],
        deployments: [
          { name: 'by-selector', node_selector: { resource_class: 'sel' }, image_source: 'http://img/1', image_checksum: SHA },
          { name: 'by-name', node: 'n1', image_source: 'http://img/1', image_checksum: SHA },
        ],
      });
      const plan = await t.engine.makePlan();
      expect(plan.actions.map((a) => a.id)).toEqual(['node/n1/update', 'node/n1/provide', 'node/s1/update', 'node/s1/provide', 'deployment/by-name/deploy', 'deployment/by-selector/deploy']);
      const { done } = await t.engine.applyPlan(plan.id);
      const result = await done;
      expect(result?.actions.filter((a) => a.status !== 'done')).toEqual([]);
      for (const name of ['s1', 'n1']) {
        const n = await t.engine.nodes.getNode(name);
        expect(n.provision_state).toBe('active');
        const moves = (await t.engine.nodes.listEvents({ node_uuid: n.uuid })).filter((e) => e.type === 'provision').map((e) => `${e.from}->${e.to}`);
        expect(moves).toContain('clean wait->clean failed');
        expect(moves.slice(moves.indexOf('clean wait->clean failed'))).toEqual(expect.arrayContaining(['clean failed->manageable', 'manageable->cleaning', 'cleaning->available', 'available->deploying']));
      }
      expect((await t.engine.makePlan()).actions).toEqual([]);
    } finally {
      await t.close();
    }
  }, 30_000);
});

describe('SIGKILL during CLI applies (slow)', () => {
  beforeAll(() => {
    expect(existsSync(built), 'the test runs the built CLI: run `npm run build` first (npm test does)').toBe(true);
  });

  it(`${KILLS} kills at random moments of applies of ${NODES} nodes and ${DEPLOYMENTS} deployments by selector (SQLite): the next apply converges`, async () => {
    const { dir, cleanup } = tempDir('ironplan-kill-');
    try {
      const file = join(dir, 'fleet.json');
      writeFileSync(file, JSON.stringify(fleet()));
      await killedApplies(join(dir, 'ironplan.db'), file);
    } finally {
      cleanup();
    }
  }, 150_000);

  describe.skipIf(!hasPostgres())('on PostgreSQL', () => {
    let dir = '';
    let url = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ironplan-kill-pg-'));
      if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
      const port = await freeTcpPort();
      asPg('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'ironplan']);
      asPg('pg_ctl', ['-D', join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start']);
      url = `postgres://ironplan@127.0.0.1:${port}/postgres`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('create database probe');
      await client.end();
    });
    afterAll(() => {
      if (!dir) return;
      try {
        asPg('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it(`${KILLS} kills at random moments (PostgreSQL 15): the next apply converges`, async () => {
      const { dir: fleetDir, cleanup } = tempDir('ironplan-kill-');
      try {
        const file = join(fleetDir, 'fleet.json');
        writeFileSync(file, JSON.stringify(fleet()));
        await killedApplies(url, file);
      } finally {
        cleanup();
      }
    }, 150_000);
  });
});

function hasPostgres(): boolean {
  try {
    execFileSync('initdb', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// initdb refuses to run as root: the cluster runs as the postgres user then.
function asPg(cmd: string, args: string[]): Buffer {
  return process.getuid?.() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
}
