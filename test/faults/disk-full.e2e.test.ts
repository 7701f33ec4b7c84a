// Fault: the database's disk fills up (SQLite on a 2 MiB tmpfs, as root). Writes are refused with a
// clear 507, never a 500; reads keep working; the database is not corrupted (PRAGMA integrity_check);
// nothing acknowledged is lost; and when space returns, writes succeed again without a restart.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine.js';
import { buildServer } from '../../engine/http/server.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';
import { fault, quiet } from '../http/helpers.js';

const root = process.getuid?.() === 0;
let mnt: string;
let engine: Engine;
let app: FastifyInstance;
const call = async (method: string, url: string, payload?: unknown) => {
  const res = await app.inject({ method: method as 'GET', url, payload: payload as object, headers: { 'x-openstack-ironic-api-version': 'latest' } });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
};

beforeAll(async () => {
  if (!root) return;
  mnt = await mkdtemp(join(tmpdir(), 'ironplan-diskfull-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
  engine = await Engine.open({ database: join(mnt, 'ironplan.sqlite'), drivers: BUILTIN_DRIVERS, scanDriverPackages: false, log: quiet, powerSyncIntervalSec: 0, settings: { stateDir: mnt, bootRoot: join(mnt, 'boot'), apiUrl: 'http://127.0.0.1:1' } });
  app = await buildServer(engine, { logger: false });
});
afterAll(async () => {
  if (!root) return;
  await app?.close();
  await engine?.close();
  execFileSync('umount', ['-l', mnt]);
  await rm(mnt, { recursive: true, force: true });
});

describe.skipIf(!root)('the database disk fills up (slow)', () => {
  it('refuses writes with 507, keeps reads, loses nothing, and recovers when space returns', async () => {
    const created: string[] = [];
    let full: { status: number; body: any } | undefined;
    // Fat nodes fill 2 MiB quickly; every answer is a 201 or the 507, nothing else.
    for (let i = 0; i < 2000 && !full; i++) {
      const r = await call('POST', '/v1/nodes', { driver: 'fake-hardware', name: `fill-${i}`, extra: { pad: 'x'.repeat(8000) } });
      if (r.status === 201) created.push(r.body.uuid);
      else full = r;
    }
    expect(full, 'the disk filled up').toBeDefined();
    expect(full!.status).toBe(507);
    expect(fault(full!.body)).toMatch(/disk|storage|space/i);
    // More writes of other kinds: still refused cleanly.
    const patch = await call('PATCH', `/v1/nodes/${created[0]}`, [{ op: 'add', path: '/extra/more', value: 'y'.repeat(50_000) }]);
    expect([200, 507]).toContain(patch.status);
    // Reads still work, and show every node acknowledged.
    const list = await call('GET', '/v1/nodes?limit=5000');
    expect(list.status).toBe(200);
    expect(list.body.nodes.map((n: { uuid: string }) => n.uuid).sort()).toEqual([...created].sort());

    // Space returns: no restart needed.
    execFileSync('mount', ['-o', 'remount,size=64m', mnt]);
    const after = await call('POST', '/v1/nodes', { driver: 'fake-hardware', name: 'after-space' });
    expect(after.status).toBe(201);
    // A lock the full disk kept from being released is released in the background once it can be.
    for (let i = 0; i < 100 && (await call('GET', `/v1/nodes/${created[0]}`)).body.reservation !== null; i++) await new Promise((r) => setTimeout(r, 50));
    const power = await call('PUT', `/v1/nodes/${created[0]}/states/power`, { target: 'power on' });
    expect(power.status, JSON.stringify(power.body)).toBe(202);

    const db = new SQLite(join(mnt, 'ironplan.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare('SELECT count(*) AS n FROM nodes').get() as { n: number }).n).toBe(created.length + 1);
    } finally {
      db.close();
    }
  }, 90_000);
});
