// Which fields are sealed: every writeOnly field of schemas/drivers, and those of driver modules loaded
// from elsewhere (their schemas are known only once loaded): rows written before are sealed then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../engine/engine.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';
import { openStore } from '../../engine/store/open.js';
import { adoptSecretFields } from '../../engine/store/secret-keys.js';
import { catalogSecretFields, schemaSecretFields } from '../../engine/secrets/box.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const VALUE = 'acme-token-5b1c9e77d2';

/** The SQLite file and its WAL, if there is one. */
const bytesOf = (db: string) => [db, `${db}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1')).join('');

describe('secret fields', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ironplan-secret-fields-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are the writeOnly fields of the driver schemas', () => {
    expect(schemaSecretFields()).toContain('ipmi_password');
    expect(catalogSecretFields({ 'power/acme': { properties: { acme_token: { writeOnly: true }, acme_host: {} } }, 'boot/none': null })).toEqual(['acme_token']);
  });

  it("a loaded driver's secret field is sealed from then on, rows written before included", async () => {
    const db = join(dir, 'ironplan.sqlite');
    const engine = await Engine.open({ database: db, drivers: BUILTIN_DRIVERS, scanDriverPackages: false, log: quiet, powerSyncIntervalSec: 0, startConductor: false, settings: { stateDir: dir } });
    const node = await engine.conductor.createNode({ name: 'n', driver: 'fake-hardware', driver_info: { acme_token: VALUE } });
    await engine.close();
    // No loaded driver calls acme_token secret yet: stored as given.
    expect(bytesOf(db)).toContain(VALUE);

    const store = await openStore(db);
    await adoptSecretFields(store, ['acme_token']);
    expect((await store.getNode(node.uuid)).driver_info.acme_token).toBe(VALUE);
    await store.close();
    const bytes = bytesOf(db);
    expect(bytes).not.toContain(VALUE);
    expect(bytes).toContain('"acme_token":{"$enc":"v1:');
  });
});
