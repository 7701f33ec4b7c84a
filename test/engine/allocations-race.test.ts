// Allocations racing: many at once from a few nodes, through two managers on one PostgreSQL database (two
// conductors, pooled connections: truly concurrent transactions), and through the one manager of a SQLite
// file (several managers need PostgreSQL). Whatever the interleaving, no node goes to two allocations,
// every free node is taken, and the rest fail cleanly.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Engine } from '../../engine/engine.js';
import { BUILTIN_DRIVERS, quietLog, tempDir } from './helpers.js';
import { hasPostgres, startPostgres } from './pg.js';

const open = (database: string, stateDir: string) =>
  Engine.open({ database, settings: { stateDir }, log: quietLog, drivers: BUILTIN_DRIVERS, powerSyncIntervalSec: 0, scanDriverPackages: false });

async function race(database: string, stateDir: string, managers: 1 | 2): Promise<void> {
  const a = await open(database, stateDir);
  const b = managers === 2 ? await open(database, stateDir) : a;
  try {
    const nodes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const n = await a.conductor.createNode({ driver: 'fake-hardware', name: `race-${i}`, resource_class: 'rc-race', initial_state: 'available' });
      await (await a.conductor.changePowerState(n.uuid, 'power off')).done;
      nodes.push(n.uuid);
    }
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).manager.createAllocation({ resource_class: 'rc-race', name: `alloc-${i}` }, 'test')),
    );
    const won = results.filter((r) => r.state === 'active');
    expect(won.map((r) => r.node_uuid).sort()).toEqual([...nodes].sort());
    expect(results.filter((r) => r.state === 'error')).toHaveLength(8);
    for (const r of won) {
      const node = await a.nodes.getNode(r.node_uuid!);
      expect(node.allocation_uuid).toBe(r.uuid);
      expect(node.instance_uuid).toBe(r.uuid);
    }
    // Freed by one manager, taken again through the other.
    await b.manager.deleteAllocation(won[0]!.uuid, 'test');
    const again = await a.manager.createAllocation({ resource_class: 'rc-race' }, 'test');
    expect(again).toMatchObject({ state: 'active', node_uuid: won[0]!.node_uuid });
  } finally {
    await a.close();
    if (b !== a) await b.close();
  }
}

describe('allocations racing', () => {
  it('on a SQLite file (one manager, interleaved transactions)', async () => {
    const { dir, cleanup } = tempDir();
    try {
      await race(join(dir, 'ironplan.db'), dir, 1);
    } finally {
      cleanup();
    }
  });

  it.skipIf(!hasPostgres)('across two managers on PostgreSQL (slow)', async () => {
    const pg = await startPostgres();
    try {
      await race(pg.url, pg.dir, 2);
    } finally {
      await pg.stop();
    }
  }, 120_000);
});
