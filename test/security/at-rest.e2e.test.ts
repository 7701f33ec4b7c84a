// Secrets at rest: a BMC password written through the API never reaches the database file (or a pg_dump) in
// clear; the same key reopens it, another key is refused with a message naming the file, and a rotation
// leaves no value under the old key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Engine } from '../../engine/engine.js';
import { buildServer } from '../../engine/http/server.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';
import { openStore } from '../../engine/store/open.js';
import { rotateKey } from '../../engine/secrets/rotate.js';
import { newKey, readKeyFile, writeKeyFile } from '../../engine/secrets/keyfile.js';
import { runCli } from '../engine/serve-process.js';
import { expectNoLeaks } from '../support/leak-scan.js';
import { hasPostgres, startPostgres, type Postgres } from '../engine/pg.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;

/** Every byte the SQLite database has on disk (the file, its WAL and shared memory). */
function sqliteBytes(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.startsWith('ironplan.sqlite'))
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('');
}

async function open(database: string, stateDir: string, secretsKeyFile?: string): Promise<Engine> {
  return Engine.open({ database, secretsKeyFile, drivers: BUILTIN_DRIVERS, scanDriverPackages: false, log: quiet, powerSyncIntervalSec: 0, settings: { stateDir, apiUrl: 'http://127.0.0.1:1' } });
}

/** A node and a node spec carrying the password, written through the HTTP API. */
async function writeSecrets(engine: Engine): Promise<string> {
  const app = await buildServer(engine, { logger: false });
  try {
    const headers = { 'x-openstack-ironic-api-version': 'latest' };
    const driver_info = { ipmi_address: '127.0.0.1', ipmi_username: 'admin', ipmi_password: PASSWORD };
    const res = await app.inject({ method: 'POST', url: '/v1/nodes', headers, payload: { name: 'bmc-1', driver: 'ipmi', driver_info } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain(PASSWORD);
    const specs = await app.inject({ method: 'PUT', url: '/v1/specs', payload: { nodes: [{ name: 'bmc-2', driver: 'ipmi', driver_info }], deployments: [] } });
    expect(specs.statusCode, specs.body).toBeLessThan(300);
    return (JSON.parse(res.body) as { uuid: string }).uuid;
  } finally {
    await app.close();
  }
}

async function expectClearInside(engine: Engine, uuid: string): Promise<void> {
  expect((await engine.store.getNode(uuid)).driver_info.ipmi_password).toBe(PASSWORD);
  const spec = (await engine.getSpecs()).nodes.find((n) => n.name === 'bmc-2')!;
  expect(spec.driver_info?.ipmi_password).toBe(PASSWORD);
}

describe('secrets at rest (SQLite)', () => {
  let dir: string;
  let db: string;
  let uuid: string;
  const keyFile = () => join(dir, 'secrets.key');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ironplan-at-rest-'));
    db = join(dir, 'ironplan.sqlite');
    const engine = await open(db, join(dir, 'state'));
    uuid = await writeSecrets(engine);
    await expectClearInside(engine, uuid);
    await engine.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the password out of the database file and creates the key file 0600', () => {
    const bytes = sqliteBytes(dir);
    expect(bytes).toContain('"ipmi_password":{"$enc":"v1:');
    expect(bytes).not.toContain(PASSWORD);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
  });

  it('reopens with the same key', async () => {
    const engine = await open(db, join(dir, 'state'));
    await expectClearInside(engine, uuid);
    await engine.close();
  });

  it('refuses another key, naming the key file', async () => {
    const other = join(dir, 'other.key');
    writeKeyFile(other, [newKey()]);
    await expect(openStore(db, { secretsKeyFile: other })).rejects.toThrow(/sealed under key \w+, which the secrets key file .*other\.key does not hold/);
    // Same key id, other key material: the check value does not open.
    const forged = join(dir, 'forged.key');
    writeKeyFile(forged, [{ ...newKey(), kid: readKeyFile(keyFile())[0]!.kid }]);
    await expect(openStore(db, { secretsKeyFile: forged })).rejects.toThrow(/check value does not open/);
  });

  it('seals rows an older version stored in clear, at start', async () => {
    const raw = new Database(db);
    raw.prepare('UPDATE nodes SET driver_info = ? WHERE uuid = ?').run(JSON.stringify({ ipmi_address: '127.0.0.1', ipmi_password: PASSWORD }), uuid);
    raw.close();
    expect(sqliteBytes(dir)).toContain(PASSWORD);
    const engine = await open(db, join(dir, 'state'));
    await expectClearInside(engine, uuid);
    await engine.close();
    expect(sqliteBytes(dir)).not.toContain(PASSWORD);
  });

  it('rotate-key re-seals every row under a new key and drops the old one', async () => {
    const [old] = readKeyFile(keyFile());
    const result = await rotateKey(db);
    expect(result.retiredKids).toEqual([old!.kid]);
    expect(result.nodes).toBe(1);
    expect(result.specs).toBe(1);
    expect(readKeyFile(keyFile()).map((k) => k.kid)).toEqual([result.newKid]);
    const bytes = sqliteBytes(dir);
    expect(bytes).not.toContain(`v1:${old!.kid}:`);
    expect(bytes).toContain(`v1:${result.newKid}:`);
    expect(bytes).not.toContain(PASSWORD);
    const engine = await open(db, join(dir, 'state'));
    await expectClearInside(engine, uuid);
    await engine.close();
  });

  it('`ironplan secrets rotate-key` rotates from the command line', async () => {
    const [old] = readKeyFile(keyFile());
    const r = await runCli(['secrets', 'rotate-key', '--db', db], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [fresh] = readKeyFile(keyFile());
    expect(r.stdout).toContain(`secrets key rotated: ${old!.kid} -> ${fresh!.kid} (1 node(s), 1 spec(s) re-sealed`);
    expect(sqliteBytes(dir)).not.toContain(`v1:${old!.kid}:`);
  });

  it('rotate-key refuses while a manager runs (it would go on sealing under the old key)', async () => {
    const engine = await open(db, join(dir, 'state'));
    try {
      const kids = readKeyFile(keyFile()).map((k) => k.kid);
      await expect(rotateKey(db)).rejects.toThrow(/stop the services sharing this database first: .* heartbeat within the last 90 s/);
      expect(readKeyFile(keyFile()).map((k) => k.kid)).toEqual(kids);
    } finally {
      await engine.close();
    }
  });

  it('reads rows under either key while a rotation is unfinished', async () => {
    const before = readKeyFile(keyFile());
    // A rotation interrupted after step 1: the new key in front, the old one kept.
    writeKeyFile(keyFile(), [newKey(), ...before]);
    const engine = await open(db, join(dir, 'state'));
    await expectClearInside(engine, uuid);
    await engine.close();
    const done = await rotateKey(db);
    expect(readKeyFile(keyFile()).map((k) => k.kid)).toEqual([done.newKid]);
    expect(sqliteBytes(dir)).not.toContain(`v1:${before[0]!.kid}:`);
  });
});

describe.skipIf(!hasPostgres)('secrets at rest (PostgreSQL, two managers sharing the key file)', () => {
  let pg: Postgres;
  let dir: string;
  beforeAll(async () => {
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'ironplan-at-rest-pg-'));
  }, 60_000);
  afterAll(() => {
    pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the password out of pg_dump; the same key opens it, another key is refused', async () => {
    const keyFile = join(dir, 'shared.key');
    const a = await open(pg.url, join(dir, 'a'), keyFile);
    const uuid = await writeSecrets(a);
    const b = await open(pg.url, join(dir, 'b'), keyFile);
    await expectClearInside(b, uuid);
    await b.close();
    await a.close();
    const dump = execFileSync('pg_dump', ['--no-owner', pg.url], { maxBuffer: 64 * 1024 * 1024 }).toString('latin1');
    expect(dump).toContain('"ipmi_password":{"$enc":"v1:');
    expectNoLeaks({ secrets: [PASSWORD], postgresUrls: [pg.url] });
    // A manager started without the shared file gets a key of its own in its data directory: refused.
    await expect(open(pg.url, join(dir, 'c'))).rejects.toThrow(/does not hold/);

    // Rotation on the shared database: the old key's ciphertext is gone from the dump; the managers'
    // shared file opens everything.
    const [old] = readKeyFile(keyFile);
    const rotated = await rotateKey(pg.url, { secretsKeyFile: keyFile });
    expect(rotated.nodes).toBe(1);
    const after = execFileSync('pg_dump', ['--no-owner', pg.url], { maxBuffer: 64 * 1024 * 1024 }).toString('latin1');
    expect(after).not.toContain(`v1:${old!.kid}:`);
    expect(after).toContain(`v1:${rotated.newKid}:`);
    const again = await open(pg.url, join(dir, 'a'), keyFile);
    await expectClearInside(again, uuid);
    await again.close();
  }, 60_000);
});
