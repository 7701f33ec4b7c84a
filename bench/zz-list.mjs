import { Engine } from '../dist/engine/engine.js';
import { buildServer } from '../dist/engine/http/server.js';
import pino from 'pino';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dir = mkdtempSync(join(tmpdir(), 'zz-'));
const engine = await Engine.open({ database: join(dir, 'db.sqlite'), settings: { stateDir: dir }, log: pino({ level: 'silent' }), powerSyncIntervalSec: 0, scanDriverPackages: false });
const app = await buildServer(engine, { logger: false });
for (let i = 0; i < 1000; i++) await engine.conductor.createNode({ name: `n${i}`, driver: 'fake-hardware', properties: { cpus: 8 } });
await app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${app.server.address().port}/v1/nodes/detail`;
const times = [];
for (let i = 0; i < 40; i++) {
  const t0 = performance.now();
  const r = await fetch(url, { headers: { 'x-openstack-ironic-api-version': 'latest' } });
  await r.arrayBuffer();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log('p50', times[20].toFixed(1));
let t0 = performance.now(); for (let i = 0; i < 20; i++) await engine.conductor.listNodes({}); console.log('listNodes', ((performance.now() - t0) / 20).toFixed(1));
t0 = performance.now(); for (let i = 0; i < 20; i++) { const r = await app.inject({ url: '/v1/nodes/detail', headers: { 'x-openstack-ironic-api-version': 'latest' } }); r.body.length; } console.log('inject', ((performance.now() - t0) / 20).toFixed(1));
await app.close(); await engine.close();
