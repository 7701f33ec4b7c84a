// Rows of bios_settings (0010_bios): the manager's cache of each node's BIOS settings, which the API lists.
// Values are stored as text, as Ironic's String column stores them (a BMC's 3 and "3" list alike).
import type { Kysely, Transaction } from 'kysely';
import type { BiosSetting } from '../../contract/types.js';
import type { Database } from './tables.js';
import type { BiosSettingRecord } from '../generated/bios-setting-record.js';

type Db = Kysely<Database> | Transaction<Database>;

export type { BiosSettingRecord };

const BOOLEAN_COLUMNS = ['read_only', 'reset_required', 'unique'] as const;
const table = (db: Db) => db as unknown as Kysely<any>;

function fromRow(row: Record<string, unknown>): BiosSettingRecord {
  const out: Record<string, unknown> = { ...row };
  out.allowable_values = row.allowable_values == null ? null : JSON.parse(String(row.allowable_values));
  for (const c of BOOLEAN_COLUMNS) out[c] = row[c] == null ? null : Boolean(row[c]);
  return out as unknown as BiosSettingRecord;
}

export const settingValue = (v: BiosSetting['value']): string | null => (v === null ? null : String(v));

export async function listBiosSettings(db: Db, nodeUuid: string): Promise<BiosSettingRecord[]> {
  const rows = await table(db).selectFrom('bios_settings').selectAll().where('node_uuid', '=', nodeUuid).orderBy('name').execute();
  return rows.map((r) => fromRow(r as Record<string, unknown>));
}

export async function findBiosSetting(db: Db, nodeUuid: string, name: string): Promise<BiosSettingRecord | undefined> {
  const row = await table(db).selectFrom('bios_settings').selectAll().where('node_uuid', '=', nodeUuid).where('name', '=', name).executeTakeFirst();
  return row ? fromRow(row as Record<string, unknown>) : undefined;
}

/**
 * Makes the cache what the BMC reported (Ironic's sync_node_setting): new names inserted, changed values
 * updated (created_at kept), names the BMC no longer has deleted. Run in a transaction: never half-synced.
 */
export async function syncBiosSettings(db: Db, nodeUuid: string, settings: BiosSetting[], at: string): Promise<void> {
  const t = table(db);
  const current = new Map((await listBiosSettings(db, nodeUuid)).map((s) => [s.name, s]));
  const reported = new Set(settings.map((s) => s.name));
  const gone = [...current.keys()].filter((n) => !reported.has(n));
  if (gone.length) await t.deleteFrom('bios_settings').where('node_uuid', '=', nodeUuid).where('name', 'in', gone).execute();
  const added = settings.filter((s) => !current.has(s.name)).map((s) => ({ node_uuid: nodeUuid, name: s.name, value: settingValue(s.value), created_at: at }));
  // One statement for a first cache (every setting new), which is what managing a fleet writes.
  if (added.length) await t.insertInto('bios_settings').values(added).execute();
  for (const s of settings) {
    const old = current.get(s.name);
    const value = settingValue(s.value);
    if (old && old.value !== value) await t.updateTable('bios_settings').set({ value, updated_at: at }).where('node_uuid', '=', nodeUuid).where('name', '=', s.name).execute();
  }
}
