// Port group rows (Ironic's portgroups: a node's bonded ports). Kept apart from store.ts, which binds these
// to a connection or transaction (TxStore). Uniqueness (uuid, name, address) is checked before writing so
// the conflict names the field, as Ironic's messages do; the table's unique keys still hold under races.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { PortgroupRecord } from '../generated/portgroup-record.js';
import type { Database, PortgroupsTable } from './tables.js';
import { EngineError, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { page } from './paging.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PortgroupFilter {
  node_uuid?: string;
  address?: string;
  limit?: number;
  marker?: string;
  sort_key?: 'uuid' | 'name' | 'address' | 'mode' | 'created_at' | 'updated_at';
  sort_dir?: 'asc' | 'desc';
}

export type PortgroupChange = Partial<Pick<PortgroupRecord, 'name' | 'node_uuid' | 'address' | 'extra' | 'internal_info' | 'mode' | 'properties' | 'standalone_ports_supported'>>;

const fromRow = (r: Selectable<PortgroupsTable>): PortgroupRecord => ({
  uuid: r.uuid,
  name: r.name,
  node_uuid: r.node_uuid,
  address: r.address,
  extra: JSON.parse(r.extra) as Record<string, unknown>,
  internal_info: JSON.parse(r.internal_info) as Record<string, unknown>,
  mode: r.mode,
  properties: JSON.parse(r.properties) as Record<string, unknown>,
  standalone_ports_supported: !!r.standalone_ports_supported,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** A port group by UUID or name (Ironic names port groups either way). */
export async function findPortgroup(db: Db, ident: string): Promise<PortgroupRecord | undefined> {
  const q = db.selectFrom('portgroups').selectAll();
  const row = await (isUuid(ident) ? q.where('uuid', '=', ident.toLowerCase()) : q.where('name', '=', ident)).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function getPortgroup(db: Db, ident: string): Promise<PortgroupRecord> {
  const pg = await findPortgroup(db, ident);
  if (!pg) throw notFound('Portgroup', ident);
  return pg;
}

/** A page of port groups in (sort key, uuid) order, after the marker's position. */
export async function listPortgroups(db: Db, f: PortgroupFilter): Promise<PortgroupRecord[]> {
  let q = db.selectFrom('portgroups').selectAll();
  if (f.node_uuid) q = q.where('node_uuid', '=', f.node_uuid);
  if (f.address) q = q.where('address', '=', f.address.toLowerCase());
  return (await page(db, 'portgroups', q, f, 'portgroup')).map((r) => fromRow(r as Selectable<PortgroupsTable>));
}

/** 409 if another port group has the UUID, name or address, with Ironic's words for each. */
async function checkUnique(db: Db, pg: { uuid: string; name?: string | null; address?: string | null }, self?: string): Promise<void> {
  const taken = async (col: 'uuid' | 'name' | 'address', v: string) => {
    let q = db.selectFrom('portgroups').select('uuid').where(col, '=', v);
    if (self) q = q.where('uuid', '!=', self);
    return !!(await q.executeTakeFirst());
  };
  if (!self && (await taken('uuid', pg.uuid))) throw new EngineError('Conflict', `A portgroup with UUID ${pg.uuid} already exists.`, 'uuid');
  if (pg.name && (await taken('name', pg.name))) throw new EngineError('Conflict', `A portgroup with name ${pg.name} already exists.`, 'name');
  if (pg.address && (await taken('address', pg.address))) throw new EngineError('Conflict', `A portgroup with MAC address ${pg.address} already exists.`, 'address');
}

function toRow(c: PortgroupChange): Partial<PortgroupsTable> {
  const row: Partial<PortgroupsTable> = {};
  if (c.name !== undefined) row.name = c.name;
  if (c.node_uuid !== undefined) row.node_uuid = c.node_uuid;
  if (c.address !== undefined) row.address = c.address === null ? null : c.address.toLowerCase();
  if (c.extra !== undefined) row.extra = JSON.stringify(c.extra);
  if (c.internal_info !== undefined) row.internal_info = JSON.stringify(c.internal_info);
  if (c.mode !== undefined) row.mode = c.mode;
  if (c.properties !== undefined) row.properties = JSON.stringify(c.properties);
  if (c.standalone_ports_supported !== undefined) row.standalone_ports_supported = c.standalone_ports_supported ? 1 : 0;
  return row;
}

export async function insertPortgroup(db: Db, pg: PortgroupRecord): Promise<void> {
  const address = pg.address === null ? null : pg.address.toLowerCase();
  await checkUnique(db, { ...pg, address });
  await db
    .insertInto('portgroups')
    .values({ uuid: pg.uuid, created_at: pg.created_at, updated_at: pg.updated_at, ...toRow(pg) } as PortgroupsTable)
    .execute();
}

export async function updatePortgroup(db: Db, uuid: string, change: PortgroupChange, at: string): Promise<PortgroupRecord> {
  await checkUnique(db, { uuid, name: change.name, address: change.address?.toLowerCase() }, uuid);
  const res = await db.updateTable('portgroups').set({ ...toRow(change), updated_at: at }).where('uuid', '=', uuid).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw notFound('Portgroup', uuid);
  return getPortgroup(db, uuid);
}

/** Whether any port is a member of the group (Ironic refuses deleting or moving such a group). */
export async function hasPorts(db: Db, uuid: string): Promise<boolean> {
  return !!(await db.selectFrom('ports').select('uuid').where('portgroup_uuid', '=', uuid).limit(1).executeTakeFirst());
}

/** Deletes an empty port group; one with member ports is refused (400), as Ironic's PortgroupNotEmpty. */
export async function deletePortgroup(db: Db, uuid: string): Promise<void> {
  const pg = await getPortgroup(db, uuid);
  if (await hasPorts(db, pg.uuid)) throw new EngineError('InvalidParameter', `Cannot complete the requested action because portgroup ${pg.uuid} contains ports.`);
  await db.deleteFrom('portgroups').where('uuid', '=', pg.uuid).execute();
}
