// A node's inspection inventory (Ironic's node_inventory table, API 1.81): one row per node, replaced by
// each inspection, deleted with the node (foreign key, cascade).
import type { Kysely, Transaction } from 'kysely';
import type { NodeInventory } from '../generated/node-inventory.js';
import type { Database } from './tables.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function putInventory(db: Db, nodeUuid: string, inv: NodeInventory, at: string): Promise<void> {
  const row = { inventory: JSON.stringify(inv.inventory), plugin_data: JSON.stringify(inv.plugin_data), created_at: at };
  await db
    .insertInto('node_inventory')
    .values({ node_uuid: nodeUuid, ...row })
    .onConflict((oc) => oc.column('node_uuid').doUpdateSet(row))
    .execute();
}

export async function findInventory(db: Db, nodeUuid: string): Promise<NodeInventory | undefined> {
  const row = await db.selectFrom('node_inventory').select(['inventory', 'plugin_data']).where('node_uuid', '=', nodeUuid).executeTakeFirst();
  return row ? { inventory: JSON.parse(row.inventory), plugin_data: JSON.parse(row.plugin_data) } : undefined;
}
