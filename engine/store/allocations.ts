// Allocation rows (Ironic's allocations, API 1.52) and the one write that gives a node to an allocation.
// Functions take a connection or a transaction (store.db, tx.db). The claim is a single conditional
// UPDATE of the node (still available, not in maintenance, unlocked, without instance): of two pickers
// racing for one node exactly one changes a row, on SQLite and PostgreSQL alike, and the unique
// instance_uuid backs it up.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AllocationRecord } from '../generated/allocation-record.js';
import type { AllocationsTable, Database } from './tables.js';
import { EngineError, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { page } from './paging.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AllocationFilter {
  node_uuid?: string;
  resource_class?: string;
  state?: string;
  owner?: string;
  limit?: number;
  marker?: string;
  sort_key?: 'uuid' | 'name' | 'state' | 'resource_class' | 'owner' | 'node_uuid' | 'created_at' | 'updated_at';
  sort_dir?: 'asc' | 'desc';
}

export type AllocationChange = Partial<Pick<AllocationRecord, 'name' | 'extra' | 'state' | 'last_error' | 'node_uuid'>>;

const fromRow = (r: Selectable<AllocationsTable>): AllocationRecord => ({
  uuid: r.uuid,
  name: r.name,
  node_uuid: r.node_uuid,
  state: r.state as AllocationRecord['state'],
  last_error: r.last_error,
  resource_class: r.resource_class,
  traits: JSON.parse(r.traits) as string[],
  candidate_nodes: JSON.parse(r.candidate_nodes) as string[],
  extra: JSON.parse(r.extra) as Record<string, unknown>,
  owner: r.owner,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** An allocation by UUID or name. */
export async function findAllocation(db: Db, ident: string): Promise<AllocationRecord | undefined> {
  const q = db.selectFrom('allocations').selectAll();
  const row = await (isUuid(ident) ? q.where('uuid', '=', ident.toLowerCase()) : q.where('name', '=', ident)).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function getAllocation(db: Db, ident: string): Promise<AllocationRecord> {
  const a = await findAllocation(db, ident);
  if (!a) throw notFound('Allocation', ident);
  return a;
}

/** The allocation holding a node, if any. */
export async function allocationOfNode(db: Db, nodeUuid: string): Promise<AllocationRecord | undefined> {
  const row = await db.selectFrom('allocations').selectAll().where('node_uuid', '=', nodeUuid).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** A page of allocations in (sort key, uuid) order, after the marker's position. */
export async function listAllocations(db: Db, f: AllocationFilter): Promise<AllocationRecord[]> {
  let q = db.selectFrom('allocations').selectAll();
  if (f.node_uuid) q = q.where('node_uuid', '=', f.node_uuid);
  if (f.resource_class) q = q.where('resource_class', '=', f.resource_class);
  if (f.state) q = q.where('state', '=', f.state);
  if (f.owner) q = q.where('owner', '=', f.owner);
  return (await page(db, 'allocations', q, f, 'allocation')).map((r) => fromRow(r as Selectable<AllocationsTable>));
}

export async function insertAllocation(db: Db, a: AllocationRecord): Promise<void> {
  if (await db.selectFrom('allocations').select('uuid').where('uuid', '=', a.uuid).executeTakeFirst()) {
    throw new EngineError('Conflict', `Allocation with UUID ${a.uuid} already exists.`, 'uuid');
  }
  if (a.name && (await db.selectFrom('allocations').select('uuid').where('name', '=', a.name).executeTakeFirst())) {
    throw new EngineError('Conflict', `Allocation with name ${a.name} already exists.`, 'name');
  }
  const json = (v: unknown) => JSON.stringify(v);
  await db
    .insertInto('allocations')
    .values({ ...a, traits: json(a.traits), candidate_nodes: json(a.candidate_nodes), extra: json(a.extra) })
    .execute();
}

export async function updateAllocation(db: Db, uuid: string, c: AllocationChange, at: string): Promise<AllocationRecord> {
  if (c.name && (await db.selectFrom('allocations').select('uuid').where('name', '=', c.name).where('uuid', '!=', uuid).executeTakeFirst())) {
    throw new EngineError('Conflict', `Allocation with name ${c.name} already exists.`, 'name');
  }
  const row: Partial<AllocationsTable> = { updated_at: at };
  if (c.name !== undefined) row.name = c.name;
  if (c.extra !== undefined) row.extra = JSON.stringify(c.extra);
  if (c.state !== undefined) row.state = c.state;
  if (c.last_error !== undefined) row.last_error = c.last_error;
  if (c.node_uuid !== undefined) row.node_uuid = c.node_uuid;
  const res = await db.updateTable('allocations').set(row).where('uuid', '=', uuid).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw notFound('Allocation', uuid);
  return getAllocation(db, uuid);
}

/**
 * Gives the node to the allocation if it is still free for one: available, not in maintenance, unlocked,
 * without an instance or allocation. True if this call took it. `requireState` is the state the node
 * must be in (available to allocate, active to backfill).
 */
export async function claimNode(db: Db, nodeUuid: string, allocationUuid: string, at: string, requireState = 'available'): Promise<boolean> {
  let q = db
    .updateTable('nodes')
    .set({ instance_uuid: allocationUuid, allocation_uuid: allocationUuid, updated_at: at, version: sql<number>`version + 1` })
    .where('uuid', '=', nodeUuid)
    .where('provision_state', '=', requireState)
    .where('allocation_uuid', 'is', null)
    .where('reservation', 'is', null);
  // Backfilling records the allocation of a node already deployed: its instance may be the allocation's own UUID.
  q = requireState === 'available' ? q.where('maintenance', '=', 0).where('instance_uuid', 'is', null) : q.where((eb) => eb.or([eb('instance_uuid', 'is', null), eb('instance_uuid', '=', allocationUuid)]));
  try {
    return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
  } catch (err) {
    // Another node already carries this UUID as its instance (Ironic's InstanceAssociated).
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') throw new EngineError('Conflict', `Instance ${allocationUuid} is already associated with a node.`, 'uuid');
    throw err;
  }
}

/** Frees the allocation's node: clears the allocation and the instance it set, then deletes the row. */
export async function deleteAllocation(db: Db, a: AllocationRecord, at: string): Promise<void> {
  if (a.node_uuid) {
    // Each of the two is cleared only if it is still this allocation's.
    const clear = (col: 'allocation_uuid' | 'instance_uuid') => sql<string | null>`case when ${sql.ref(col)} = ${a.uuid} then null else ${sql.ref(col)} end`;
    await db
      .updateTable('nodes')
      .set({ allocation_uuid: clear('allocation_uuid'), instance_uuid: clear('instance_uuid'), updated_at: at, version: sql<number>`version + 1` })
      .where('uuid', '=', a.node_uuid)
      .where((eb) => eb.or([eb('allocation_uuid', '=', a.uuid), eb('instance_uuid', '=', a.uuid)]))
      .execute();
  }
  await db.deleteFrom('allocations').where('uuid', '=', a.uuid).execute();
}
