// bench/allocations: allocations per second when many ask at once for a pool of nodes, on a SQLite file
// (the manager's pick: list, shuffle, one conditional write per try), and a check that no node went to two.
// Run: npm run build && node bench/allocations/run.mjs   (NODES=200, ASKS=400 by default)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../dist/engine/engine.js';
import { BUILTIN_DRIVERS } from '../../dist/engine/cli/compose.js';

const NODES = Number(process.env.NODES ?? 200);
const ASKS = Number(process.env.ASKS ?? 400);
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } };
const dir = mkdtempSync(join(tmpdir(), 'ironplan-bench-alloc-'));
const engine = await Engine.open({ database: join(dir, 'b.sqlite'), settings: { stateDir: dir }, log: quiet, drivers: BUILTIN_DRIVERS, powerSyncIntervalSec: 0, scanDriverPackages: false });
try {
  for (let i = 0; i < NODES; i++) {
    const n = await engine.conductor.createNode({ driver: 'fake-hardware', name: `b${i}`, resource_class: 'bench', initial_state: 'available' });
    await (await engine.conductor.changePowerState(n.uuid, 'power off')).done;
  }
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: ASKS }, () => engine.manager.createAllocation({ resource_class: 'bench' }, 'bench')));
  const ms = performance.now() - started;
  const won = results.filter((r) => r.state === 'active').map((r) => r.node_uuid);
  const distinct = new Set(won).size;
  console.log(`${ASKS} allocations for ${NODES} nodes, all at once (SQLite): ${ms.toFixed(0)} ms, ${((ASKS / ms) * 1000).toFixed(0)} allocations/s`);
  console.log(`active ${won.length} (distinct nodes ${distinct}), error ${results.length - won.length}`);
  if (distinct !== won.length || won.length !== Math.min(NODES, ASKS)) {
    console.error('FAILED: a node went to two allocations, or a free node was left');
    process.exitCode = 1;
  }
} finally {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}
