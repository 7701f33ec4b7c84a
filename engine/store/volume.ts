// Volume connector and target rows (Ironic API 1.32): one module for both tables, which differ only in
// their columns and unique keys. Unique keys are checked before writing so the 409 says which, as Ironic's
// messages do; the tables' unique constraints still hold under races.
import type { Kysely, Transaction } from 'kysely';
import type { VolumeConnectorRecord } from '../generated/volume-connector-record.js';
import type { VolumeTargetRecord } from '../generated/volume-target-record.js';
import type { Database } from './tables.js';
import { EngineError, notFound } from '../errors.js';
import { page, type PageFilter } from './paging.js';

type Db = Kysely<Database> | Transaction<Database>;

export type VolumeKind = 'connector' | 'target';
export interface VolumeRecords {
  connector: VolumeConnectorRecord;
  target: VolumeTargetRecord;
}
export type VolumeChange<K extends VolumeKind> = Partial<Omit<VolumeRecords[K], 'uuid' | 'created_at' | 'updated_at'>>;

const TABLE = { connector: 'volume_connectors', target: 'volume_targets' } as const;
/** Columns holding JSON objects. */
const JSON_COLUMNS: Record<VolumeKind, readonly string[]> = { connector: ['extra'], target: ['extra', 'properties'] };
export const VOLUME_NAMES: Record<VolumeKind, string> = { connector: 'Volume connector', target: 'Volume target' };

function fromRow<K extends VolumeKind>(kind: K, row: Record<string, unknown>): VolumeRecords[K] {
  const out: Record<string, unknown> = { ...row };
  for (const c of JSON_COLUMNS[kind]) out[c] = JSON.parse(String(row[c]));
  return out as unknown as VolumeRecords[K];
}

function toRow(kind: VolumeKind, rec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) if (v !== undefined) out[k] = JSON_COLUMNS[kind].includes(k) ? JSON.stringify(v ?? {}) : v;
  return out;
}

const table = (db: Db) => db as unknown as Kysely<any>;

export async function findVolume<K extends VolumeKind>(db: Db, kind: K, uuid: string): Promise<VolumeRecords[K] | undefined> {
  const row = await table(db).selectFrom(TABLE[kind]).selectAll().where('uuid', '=', uuid.toLowerCase()).executeTakeFirst();
  return row ? fromRow(kind, row as Record<string, unknown>) : undefined;
}

export async function getVolume<K extends VolumeKind>(db: Db, kind: K, uuid: string): Promise<VolumeRecords[K]> {
  const v = await findVolume(db, kind, uuid);
  if (!v) throw notFound(VOLUME_NAMES[kind], uuid);
  return v;
}

export async function listVolumes<K extends VolumeKind>(db: Db, kind: K, f: PageFilter & { node_uuid?: string }): Promise<Array<VolumeRecords[K]>> {
  let q = table(db).selectFrom(TABLE[kind]).selectAll();
  if (f.node_uuid) q = q.where('node_uuid', '=', f.node_uuid);
  return (await page(db, TABLE[kind], q, f, VOLUME_NAMES[kind].toLowerCase())).map((r) => fromRow(kind, r));
}

/** 409 if the UUID, or the kind's unique key, is another row's. */
async function checkUnique(db: Db, kind: VolumeKind, rec: Record<string, unknown>, self?: string): Promise<void> {
  const t = table(db);
  if (!self && (await t.selectFrom(TABLE[kind]).select('uuid').where('uuid', '=', rec.uuid).executeTakeFirst())) {
    throw new EngineError('Conflict', `A ${VOLUME_NAMES[kind].toLowerCase()} with UUID ${String(rec.uuid)} already exists.`, 'uuid');
  }
  const [a, b] = kind === 'connector' ? ['type', 'connector_id'] : ['node_uuid', 'boot_index'];
  let q = t.selectFrom(TABLE[kind]).select('uuid').where(a!, '=', rec[a!]).where(b!, '=', rec[b!]);
  if (self) q = q.where('uuid', '!=', self);
  if (!(await q.executeTakeFirst())) return;
  throw kind === 'connector'
    ? new EngineError('Conflict', `A volume connector with type ${String(rec.type)} and connector ID ${String(rec.connector_id)} already exists.`, 'connector_id')
    : new EngineError('Conflict', `A volume target with boot index '${String(rec.boot_index)}' for the same node already exists.`, 'boot_index');
}

export async function insertVolume<K extends VolumeKind>(db: Db, kind: K, rec: VolumeRecords[K]): Promise<void> {
  await checkUnique(db, kind, rec as unknown as Record<string, unknown>);
  await table(db).insertInto(TABLE[kind]).values(toRow(kind, rec as unknown as Record<string, unknown>)).execute();
}

export async function updateVolume<K extends VolumeKind>(db: Db, kind: K, uuid: string, change: VolumeChange<K>, at: string): Promise<VolumeRecords[K]> {
  const current = await getVolume(db, kind, uuid);
  await checkUnique(db, kind, { ...current, ...change }, uuid);
  const name: string = TABLE[kind];
  await table(db).updateTable(name).set({ ...toRow(kind, change as Record<string, unknown>), updated_at: at }).where('uuid', '=', uuid).execute();
  return getVolume(db, kind, uuid);
}

export async function deleteVolume(db: Db, kind: VolumeKind, uuid: string): Promise<void> {
  const res = await table(db).deleteFrom(TABLE[kind]).where('uuid', '=', uuid).executeTakeFirst();
  if (Number(res.numDeletedRows) !== 1) throw notFound(VOLUME_NAMES[kind], uuid);
}
