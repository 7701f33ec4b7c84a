// Fault: PostgreSQL restarted under load. An engine and its API on a real PostgreSQL 15 serve 20 clients
// (reads, creates, patches, state changes) while the database is restarted (pg_ctl restart -m fast).
// During the gap requests may be refused (503, database unavailable), never answered with a 500 and never
// crash the process; afterwards the pool reconnects by itself, and every node whose creation was
// acknowledged is there.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../bench/load/load.mjs';
import { Engine } from '../../engine/engine.js';
import { buildServer } from '../../engine/http/server.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';
import { watchCrashes } from '../fuzz/checker.js';
import { quiet } from '../http/helpers.js';
import { hasPostgres, startPostgres, type Postgres } from '../engine/pg.js';

const restart = (pg: Postgres) => {
  // -l: the new postmaster must not inherit our pipes (execFileSync would wait for them to close).
  const args = ['-D', join(pg.dir, 'data'), '-m', 'fast', '-w', '-l', join(pg.dir, 'log'), 'restart'];
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', 'pg_ctl', ...args], { stdio: 'ignore' });
  else execFileSync('pg_ctl', args, { stdio: 'ignore' });
};

let pg: Postgres;
let engine: Engine;
let app: FastifyInstance;
let endpoint: string;
const crashes: string[] = [];
let unwatch = () => {};

beforeAll(async () => {
  if (!hasPostgres) return;
  unwatch = watchCrashes((d) => crashes.push(d));
  pg = await startPostgres();
  engine = await Engine.open({ database: pg.url, drivers: BUILTIN_DRIVERS, scanDriverPackages: false, log: quiet, powerSyncIntervalSec: 0, heartbeatIntervalSec: 1, settings: { stateDir: pg.dir, automatedClean: false, apiUrl: 'http://127.0.0.1:1' } as never });
  app = await buildServer(engine, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}, 60_000);
afterAll(async () => {
  await app?.close();
  await engine?.close().catch(() => {});
  pg?.stop();
  unwatch();
});

describe.skipIf(!hasPostgres)('PostgreSQL restarted under load (slow)', () => {
  it('answers 503 at worst during the restart, reconnects, and loses no acknowledged node', async () => {
    const load = runLoad({ endpoint, clients: 20, seconds: 12 });
    await new Promise((r) => setTimeout(r, 3000));
    const t0 = Date.now();
    restart(pg);
    const restartMs = Date.now() - t0;
    const r = await load;
    const fiveHundreds = Object.entries(r.byStatus).filter(([s]) => Number(s) >= 500 && Number(s) !== 503);
    console.log(JSON.stringify({ restartMs, requests: r.requests, byStatus: r.byStatus, errors: r.errors.length, sample: r.errors.slice(0, 3) }));
    expect(crashes).toEqual([]);
    expect(fiveHundreds).toEqual([]);
    expect(r.errors.every((e) => / 503 /.test(e))).toBe(true);
    // Reconnected: a write and a read after the restart succeed.
    const created = await fetch(`${endpoint}/v1/nodes`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-openstack-ironic-api-version': 'latest' }, body: JSON.stringify({ driver: 'fake-hardware', name: 'after-restart' }) });
    expect(created.status).toBe(201);
    // Nothing acknowledged was lost.
    const nodes = await engine.nodes.listNodes({});
    expect(nodes.length).toBeGreaterThanOrEqual(r.nodes + 1);
  }, 90_000);
});
