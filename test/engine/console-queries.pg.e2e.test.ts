// The console's queries on a real PostgreSQL 15 as on SQLite: substring search with LIKE's wildcards
// taken literally (PostgreSQL's LIKE is case-sensitive, so both sides are lower-cased), the trait filter,
// and the one-read node states.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine.js';
import { BUILTIN_DRIVERS, quietLog } from './helpers.js';
import { hasPostgres, startPostgres, type Postgres } from './pg.js';

if (!hasPostgres) console.warn('\n*** PostgreSQL (initdb) is not on PATH: the console queries on PostgreSQL are SKIPPED ***\n');

describe.skipIf(!hasPostgres)("the console's node queries on PostgreSQL (slow)", () => {
  let pg: Postgres | undefined;
  let engine: Engine;
  beforeAll(async () => {
    pg = await startPostgres();
    engine = await Engine.open({ database: pg.url, settings: { stateDir: pg.dir }, log: quietLog, drivers: BUILTIN_DRIVERS, powerSyncIntervalSec: 0, scanDriverPackages: false });
    for (const [name, traits] of [['Rack1-Web', ['CUSTOM_GPU']], ['rack1-db', []], ['odd_name', ['CUSTOM_GPU_LARGE']]] as const) {
      await engine.manager.createNode({ driver: 'fake-hardware', name, traits: [...traits] });
    }
  });
  afterAll(async () => {
    await engine?.close();
    await pg?.stop();
  });

  const names = async (filter: Parameters<Engine['nodes']['listNodes']>[0]) => (await engine.nodes.listNodes(filter)).map((n) => n.name).sort();

  it('searches names in any case, with % and _ literal', async () => {
    expect(await names({ name_contains: 'rack1-WEB' })).toEqual(['Rack1-Web']);
    expect(await names({ name_contains: 'RACK1' })).toEqual(['Rack1-Web', 'rack1-db']);
    expect(await names({ name_contains: '_' })).toEqual(['odd_name']);
    expect(await names({ name_contains: '%' })).toEqual([]);
  });
  it('filters by one exact trait', async () => {
    expect(await names({ trait: 'CUSTOM_GPU' })).toEqual(['Rack1-Web']);
  });
  it('reads every node state with the newest event id', async () => {
    const states = await engine.nodes.nodeStates();
    // In list order (created_at, then uuid: nodes created within one millisecond are ordered by uuid).
    expect(states.nodes.map((n) => n.uuid)).toEqual((await engine.nodes.listNodes({})).map((n) => n.uuid));
    expect(states.nodes.map((n) => n.name).sort()).toEqual(['Rack1-Web', 'odd_name', 'rack1-db']);
    expect(states.nodes.every((n) => n.provision_state === 'enroll' && n.maintenance === false && n.fault === false)).toBe(true);
    expect(states.event_id).toBeGreaterThan(0);
  });
});
