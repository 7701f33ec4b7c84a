import { Engine } from '../dist/engine/engine.js';
import { buildServer } from '../dist/engine/http/server.js';
import { NodeJsonCache } from '../dist/engine/http/node-json.js';
import pino from 'pino';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dir = mkdtempSync(join(tmpdir(), 'zz-'));
const engine = await Engine.open({ database: join(dir, 'db.sqlite'), settings: { stateDir: dir }, log: pino({ level: 'silent' }), powerSyncIntervalSec: 0, scanDriverPackages: false });
const app = await buildServer(engine, { logger: false });
for (let i = 0; i < 1000; i++) await engine.conductor.createNode({ name: `n${i}`, driver: 'fake-hardware', properties: { cpus: 8 } });
let misses = 0;
const orig = NodeJsonCache.prototype.detail;
const origStr = JSON.stringify;
import inspector from 'node:inspector/promises';
const session = new inspector.Session(); session.connect();
await app.inject({ url: '/v1/nodes/detail', headers: { 'x-openstack-ironic-api-version': 'latest' } });
await session.post('Profiler.enable'); await session.post('Profiler.start');
for (let i = 0; i < 5; i++) {
  let t0 = performance.now();
  const r = await app.inject({ url: '/v1/nodes/detail', headers: { 'x-openstack-ironic-api-version': 'latest' } });
  console.log('inject', (performance.now() - t0).toFixed(1), r.body.length);
}
const { profile } = await session.post('Profiler.stop');
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const cnt = new Map(); profile.samples.forEach((s, i) => cnt.set(s, (cnt.get(s) || 0) + profile.timeDeltas[i]));
const self = new Map();
for (const [id, t] of cnt) { const n = byId.get(id); const k = n.callFrame.functionName + ' ' + n.callFrame.url.split('/').slice(-2).join('/') + ':' + n.callFrame.lineNumber; self.set(k, (self.get(k) || 0) + t); }
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, t]) => `${(t / 1000).toFixed(1)} ${k}`).join('\n'));
let t0 = performance.now();
const nodes = await engine.conductor.listNodes({});
console.log('list', (performance.now() - t0).toFixed(1));
await app.close(); await engine.close();
