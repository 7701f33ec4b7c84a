// Chassis rows (Ironic's chassis: a described group of nodes, with no driver and no state). Kept apart
// from store.ts, which binds these to a connection or transaction (TxStore).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ChassisRecord } from '../generated/chassis-record.js';
import type { ChassisTable, Database } from './tables.js';
import { EngineError, notFound } from '../errors.js';
import { page } from './paging.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ChassisFilter {
  limit?: number;
  marker?: string;
  sort_key?: 'uuid' | 'description' | 'created_at' | 'updated_at';
  sort_dir?: 'asc' | 'desc';
}

export type ChassisChange = Partial<Pick<ChassisRecord, 'description' | 'extra'>>;

const fromRow = (r: Selectable<ChassisTable>): ChassisRecord => ({
  uuid: r.uuid,
  description: r.description,
  extra: JSON.parse(r.extra) as Record<string, unknown>,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export async function findChassis(db: Db, uuid: string): Promise<ChassisRecord | undefined> {
  const row = await db.selectFrom('chassis').selectAll().where('uuid', '=', uuid.toLowerCase()).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function getChassis(db: Db, uuid: string): Promise<ChassisRecord> {
  const c = await findChassis(db, uuid);
  if (!c) throw notFound('Chassis', uuid);
  return c;
}

/** A page of chassis in (sort key, uuid) order, after the marker's position. */
export async function listChassis(db: Db, f: ChassisFilter): Promise<ChassisRecord[]> {
  return (await page(db, 'chassis', db.selectFrom('chassis').selectAll(), f, 'chassis')).map((r) => fromRow(r as Selectable<ChassisTable>));
}

export async function insertChassis(db: Db, c: ChassisRecord): Promise<void> {
  try {
    await db.insertInto('chassis').values({ ...c, extra: JSON.stringify(c.extra) }).execute();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') throw new EngineError('Conflict', `A chassis with UUID ${c.uuid} already exists.`, 'uuid');
    throw err;
  }
}

export async function updateChassis(db: Db, uuid: string, change: ChassisChange, at: string): Promise<ChassisRecord> {
  const row: Partial<ChassisTable> = { updated_at: at };
  if (change.description !== undefined) row.description = change.description;
  if (change.extra !== undefined) row.extra = JSON.stringify(change.extra);
  const res = await db.updateTable('chassis').set(row).where('uuid', '=', uuid).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw notFound('Chassis', uuid);
  return getChassis(db, uuid);
}

/** Deletes an empty chassis; one that still holds nodes is refused (400), as Ironic refuses it. */
export async function deleteChassis(db: Db, uuid: string): Promise<void> {
  const c = await getChassis(db, uuid);
  const inside = await db.selectFrom('nodes').select('uuid').where('chassis_uuid', '=', c.uuid).limit(1).executeTakeFirst();
  if (inside) throw new EngineError('InvalidParameter', `Cannot complete the requested action because chassis ${c.uuid} contains nodes.`);
  await db.deleteFrom('chassis').where('uuid', '=', c.uuid).execute();
}
