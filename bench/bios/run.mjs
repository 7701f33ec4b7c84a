// bench/bios: what caching BIOS settings adds to managing a fleet, on a SQLite file (fake-hardware, whose
// BIOS has 5 settings). Manages NODES nodes through the manager (4 at a time) and prints nodes/s; then times
// the cache write alone: a first cache (one INSERT of 5 rows) and a re-cache with nothing changed (a read).
// Run: npm run build && node bench/bios/run.mjs   (NODES=500 by default)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../dist/engine/engine.js';
import { BUILTIN_DRIVERS } from '../../dist/engine/cli/compose.js';
import { listBiosSettings, syncBiosSettings } from '../../dist/engine/store/bios.js';

const NODES = Number(process.env.NODES ?? 500);
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } };
const dir = mkdtempSync(join(tmpdir(), 'ironplan-bench-bios-'));
const engine = await Engine.open({ database: join(dir, 'b.sqlite'), settings: { stateDir: dir }, log: quiet, drivers: BUILTIN_DRIVERS, powerSyncIntervalSec: 0, scanDriverPackages: false });
try {
  const uuids = [];
  for (let i = 0; i < NODES; i++) uuids.push((await engine.conductor.createNode({ driver: 'fake-hardware', name: `b${i}` })).uuid);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < uuids.length) await (await engine.conductor.provision(uuids[next++], 'manage', {}, 'bench')).done;
  }));
  const manageMs = performance.now() - started;
  const cached = (await Promise.all(uuids.map((u) => listBiosSettings(engine.store.db, u)))).filter((s) => s.length === 5).length;
  console.log(`manage ${NODES} fake-hardware nodes (SQLite, 4 at a time): ${manageMs.toFixed(0)} ms, ${((NODES / manageMs) * 1000).toFixed(0)} nodes/s; settings cached for ${cached}`);

  const settings = [{ name: 'BootMode', value: 'Uefi' }, { name: 'NumLock', value: 'On' }, { name: 'ProcHyperThreading', value: 'Enabled' }, { name: 'ProcVirtualization', value: 'Enabled' }, { name: 'SriovGlobalEnable', value: 'Disabled' }];
  const time = async (label, fn) => {
    const t = performance.now();
    for (const u of uuids) await engine.store.transaction((tx) => fn(tx, u));
    const ms = performance.now() - t;
    console.log(`${label}: ${((ms / NODES) * 1000).toFixed(0)} µs a node (${NODES} nodes, one transaction each)`);
  };
  await time('re-cache, nothing changed', (tx, u) => syncBiosSettings(tx.db, u, settings, new Date().toISOString()));
  await time('cache one changed value', (tx, u) => syncBiosSettings(tx.db, u, settings.map((s) => (s.name === 'NumLock' ? { ...s, value: 'Off' } : s)), new Date().toISOString()));
  if (cached !== NODES) process.exitCode = 1;
} finally {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
}
