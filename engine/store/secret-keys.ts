// The database's side of the secrets key: which keys have sealed its secrets (each with a check value, so
// a process given another key refuses to start instead of writing secrets nobody else can open), and the
// re-sealing of stored rows (clear rows of an older version at start, every row during a key rotation).
import type { Kysely } from 'kysely';
import type { Database } from './tables.js';
import type { SecretBox, SecretScope } from '../secrets/box.js';
import type { Store } from './store.js';
import { SecretsError, type Sealed } from '../secrets/envelope.js';

const CHECK_AAD = 'ironplan secrets key check';
/** Rows holding a sealed value (engine/secrets/envelope.ts). */
const SEALED_LIKE = '%"$enc":"v1:%';
const CHECK_TEXT = 'the key this database is sealed with';

export interface KeyCheckContext {
  /** Named in errors so the operator knows which file to fix. */
  keyFile: string;
}

/**
 * Refuses a key file that does not hold every key the database lists, or whose key under a listed id is
 * not the one that sealed the check value; records the current key when the database has not seen it.
 */
export async function checkKeys(db: Kysely<Database>, box: SecretBox, ctx: KeyCheckContext): Promise<void> {
  await verify(db, box, ctx);
  const listed = await db.selectFrom('secret_keys').select('kid').where('kid', '=', box.currentKid).executeTakeFirst();
  if (listed) return;
  const check_value = JSON.stringify(box.keys.seal(CHECK_AAD, CHECK_TEXT));
  await db.insertInto('secret_keys').values({ kid: box.currentKid, check_value, created_at: new Date().toISOString() }).onConflict((oc) => oc.column('kid').doNothing()).execute();
  // Two processes with different new keys starting on one empty database both register: both then refuse.
  await verify(db, box, ctx);
}

async function verify(db: Kysely<Database>, box: SecretBox, ctx: KeyCheckContext): Promise<void> {
  const rows = await db.selectFrom('secret_keys').selectAll().execute();
  const missing = rows.filter((r) => !box.keys.has(r.kid)).map((r) => r.kid);
  if (missing.length) {
    throw new SecretsError(
      `this database's secrets are sealed under key${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the secrets key file ${ctx.keyFile} does not hold ` +
        `(it holds ${box.keys.kids.join(', ')}): give every process sharing the database the same key file (--secrets-key-file or IRONPLAN_SECRETS_KEY_FILE)`,
    );
  }
  for (const r of rows) {
    let opened: unknown;
    try {
      opened = box.keys.open(CHECK_AAD, JSON.parse(r.check_value) as Sealed);
    } catch {
      opened = undefined;
    }
    if (opened !== CHECK_TEXT) {
      throw new SecretsError(`the secrets key file ${ctx.keyFile} holds a key ${r.kid} that is not the key ${r.kid} this database's secrets are sealed with (its check value does not open): wrong key file`);
    }
  }
}

/** Drops every listed key but the current one: a rotation is done. */
export async function forgetOtherKeys(db: Kysely<Database>, box: SecretBox): Promise<void> {
  await db.deleteFrom('secret_keys').where('kid', '!=', box.currentKid).execute();
}

/**
 * Seals under the current key every stored driver_info (and driver_internal_info: the agent token) that
 * has a secret in clear or sealed under another key: nodes and node specs. Each row is one conditional UPDATE (a crash leaves each row whole, under the
 * old key or the new); a row changed meanwhile is read again. The version is not bumped: the clear values
 * are the same, so what processes have cached stays right.
 */
export async function resealRows(db: Kysely<Database>, box: SecretBox): Promise<{ nodes: number; specs: number }> {
  let nodes = 0;
  let specs = 0;
  // Only rows naming a secret field or holding a sealed value can need it (LIKE's _ matches itself too).
  const like = (scope: SecretScope) => [...box.secretFields(scope).map((f) => `%"${f}":%`), SEALED_LIKE];
  const patterns = like('driver_info');
  const internal = like('driver_internal_info');
  const columns = ['uuid', 'version', 'driver_info', 'driver_internal_info'] as const;
  const nodeRows = await db
    .selectFrom('nodes')
    .select(columns)
    .where((eb) => eb.or([...patterns.map((p) => eb('driver_info', 'like', p)), ...internal.map((p) => eb('driver_internal_info', 'like', p))]))
    .execute();
  for (const first of nodeRows) {
    let row: (typeof nodeRows)[number] | undefined = first;
    for (let attempt = 0; row && attempt < 5; attempt++) {
      const info = JSON.parse(row.driver_info) as Record<string, unknown>;
      const internalInfo = JSON.parse(row.driver_internal_info) as Record<string, unknown>;
      if (!box.needsResealing(info) && !box.needsResealing(internalInfo, 'driver_internal_info')) break;
      const res = await db
        .updateTable('nodes')
        .set({ driver_info: JSON.stringify(box.reseal(info)), driver_internal_info: JSON.stringify(box.reseal(internalInfo, 'driver_internal_info')) })
        .where('uuid', '=', row.uuid)
        .where('version', '=', row.version)
        .where('driver_info', '=', row.driver_info)
        .where('driver_internal_info', '=', row.driver_internal_info)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) {
        nodes++;
        break;
      }
      row = await db.selectFrom('nodes').select(columns).where('uuid', '=', row.uuid).executeTakeFirst();
    }
  }
  const specRows = await db
    .selectFrom('specs')
    .select(['kind', 'name', 'body'])
    .where('kind', '=', 'node')
    .where((eb) => eb.or(patterns.map((p) => eb('body', 'like', p))))
    .execute();
  for (const r of specRows) {
    const spec = JSON.parse(r.body) as { driver_info?: Record<string, unknown> };
    if (!spec.driver_info || !box.needsResealing(spec.driver_info)) continue;
    const body = JSON.stringify({ ...spec, driver_info: box.reseal(spec.driver_info) });
    // A spec replaced meanwhile was written sealed under the current key already.
    const res = await db.updateTable('specs').set({ body }).where('kind', '=', r.kind).where('name', '=', r.name).where('body', '=', r.body).executeTakeFirst();
    specs += Number(res.numUpdatedRows);
  }
  return { nodes, specs };
}

/**
 * Secret fields of the drivers this process loaded (a driver package's schema is not under schemas/drivers):
 * sealed from now on, and rows already holding them in clear are sealed now.
 */
export async function adoptSecretFields(store: Store, names: string[]): Promise<void> {
  if (!store.secrets.addFields(names)) return;
  const done = await resealRows(store.db, store.secrets);
  if (done.nodes + done.specs > 0) await store.flushWal();
}

/** Stored values still sealed under any key but the current one (a rotation is done when there are none). */
export async function countSealedUnderOtherKeys(db: Kysely<Database>, box: SecretBox): Promise<number> {
  const other = (text: string) => [...text.matchAll(/"\$enc":"v1:([^:"]+):/g)].some((m) => m[1] !== box.currentKid);
  const nodes = await db
    .selectFrom('nodes')
    .select(['driver_info', 'driver_internal_info'])
    .where((eb) => eb.or([eb('driver_info', 'like', SEALED_LIKE), eb('driver_internal_info', 'like', SEALED_LIKE)]))
    .execute();
  const specs = await db.selectFrom('specs').select('body').where('body', 'like', SEALED_LIKE).execute();
  return nodes.filter((r) => other(r.driver_info) || other(r.driver_internal_info)).length + specs.filter((r) => other(r.body)).length;
}
