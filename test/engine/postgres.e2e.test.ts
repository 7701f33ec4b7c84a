// The same store code path on a real PostgreSQL 15 (a throwaway cluster on 127.0.0.1): the embedded
// SQLite default and PostgreSQL share every query through Kysely.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../engine/engine.js';
import { quietLog, SHA } from './helpers.js';
import { freeTcpPort } from '../../lab/ports.js';

const hasPostgres = (() => {
  try {
    execFileSync('initdb', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPostgres) console.warn('\n*** PostgreSQL (initdb) is not on PATH: the PostgreSQL store suite is SKIPPED ***\n');

// initdb refuses to run as root: run the cluster as the postgres user when we are root.
const asPg = (cmd: string, args: string[]) =>
  process.getuid?.() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });

describe.skipIf(!hasPostgres)('PostgreSQL store (slow)', () => {
  let dir = '';
  let url = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ironplan-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
    const port = await freeTcpPort();
    asPg('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'ironplan']);
    asPg('pg_ctl', ['-D', join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start']);
    url = `postgres://ironplan@127.0.0.1:${port}/postgres`;
  });
  afterAll(() => {
    if (!dir) return;
    try {
      asPg('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates, applies a fleet, keeps locks and versions, and a second plan is empty', async () => {
    const engine = await Engine.open({ database: url, settings: { stateDir: dir }, log: quietLog, powerSyncIntervalSec: 0, scanDriverPackages: false });
    try {
      await engine.putSpecs({
        nodes: [{ name: 'p1', driver: 'fake-hardware', ports: [{ address: '52:54:00:00:00:99' }] }, { name: 'p2', driver: 'fake-hardware', driver_info: { fake_power_delay_ms: 200 } }],
        deployments: [{ name: 'w', node: 'p1', image_source: 'http://i/x.raw', image_checksum: SHA }],
      });
      const plan = await engine.makePlan();
      const { done } = await engine.applyPlan(plan.id);
      expect((await done).status).toBe('succeeded');
      expect((await engine.conductor.getNode('p1')).provision_state).toBe('active');
      expect((await engine.makePlan()).actions).toEqual([]);
      const op = await engine.conductor.changePowerState('p2', 'power on');
      await expect(engine.conductor.changePowerState('p2', 'power off')).rejects.toMatchObject({ code: 'NodeLocked' });
      await op.done;
      const n = await engine.conductor.getNode('p2');
      await engine.store.transaction((tx) => tx.updateNode(n.uuid, n.version, { extra: { a: 1 } }));
      await expect(engine.store.transaction((tx) => tx.updateNode(n.uuid, n.version, { extra: { b: 2 } }))).rejects.toMatchObject({ code: 'StaleWrite' });
      const events = await engine.conductor.listEvents({ node_uuid: (await engine.conductor.getNode('p1')).uuid });
      expect(events.map((e) => e.to)).toContain('active');
    } finally {
      await engine.close();
    }
  });
});
