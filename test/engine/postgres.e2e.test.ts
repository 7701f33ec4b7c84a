// The same store code path on a real PostgreSQL 15 (a throwaway cluster on 127.0.0.1): the embedded
// SQLite default and PostgreSQL share every query through Kysely.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Engine } from '../../engine/engine.js';
import { BUILTIN_DRIVERS, quietLog, SHA } from './helpers.js';
import { hasPostgres, startPostgres, type Postgres } from './pg.js';

if (!hasPostgres) console.warn('\n*** PostgreSQL (initdb) is not on PATH: the PostgreSQL store suite is SKIPPED ***\n');

describe.skipIf(!hasPostgres)('PostgreSQL store (slow)', () => {
  let pg: Postgres | undefined;
  let dir = '';
  let url = '';
  beforeAll(async () => {
    pg = await startPostgres();
    dir = pg.dir;
    url = pg.url;
  });
  afterAll(() => pg?.stop());

  it('migrates, applies a fleet, keeps locks and versions, and a second plan is empty', async () => {
    const engine = await Engine.open({ database: url, settings: { stateDir: dir }, log: quietLog, drivers: BUILTIN_DRIVERS, powerSyncIntervalSec: 0, scanDriverPackages: false });
    try {
      await engine.putSpecs({
        nodes: [{ name: 'p1', driver: 'fake-hardware', ports: [{ address: '52:54:00:00:00:99' }] }, { name: 'p2', driver: 'fake-hardware', driver_info: { fake_power_delay_ms: 200 } }],
        deployments: [{ name: 'w', node: 'p1', image_source: 'http://i/x.raw', image_checksum: SHA }],
      });
      const plan = await engine.makePlan();
      const { done } = await engine.applyPlan(plan.id);
      expect((await done).status).toBe('succeeded');
      expect((await engine.nodes.getNode('p1')).provision_state).toBe('active');
      expect((await engine.makePlan()).actions).toEqual([]);
      const op = await engine.conductor.changePowerState('p2', 'power on');
      await expect(engine.conductor.changePowerState('p2', 'power off')).rejects.toMatchObject({ code: 'NodeLocked' });
      await op.done;
      const n = await engine.nodes.getNode('p2');
      await engine.store.transaction((tx) => tx.updateNode(n.uuid, n.version, { extra: { a: 1 } }));
      await expect(engine.store.transaction((tx) => tx.updateNode(n.uuid, n.version, { extra: { b: 2 } }))).rejects.toMatchObject({ code: 'StaleWrite' });
      const events = await engine.nodes.listEvents({ node_uuid: (await engine.nodes.getNode('p1')).uuid });
      expect(events.map((e) => e.to)).toContain('active');
    } finally {
      await engine.close();
    }
  });
});
