// One page of a table in (sort key, uuid) order after the marker's position, as Ironic pages collections:
// shared by the tables of allocations, chassis, deploy templates, port groups and volume connectors and targets.
import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { Database } from './tables.js';
import { notFound } from '../errors.js';

type Db = Kysely<Database> | Transaction<Database>;
type Paged = 'allocations' | 'chassis' | 'deploy_templates' | 'portgroups' | 'volume_connectors' | 'volume_targets';

export interface PageFilter {
  limit?: number;
  marker?: string;
  sort_key?: string;
  sort_dir?: 'asc' | 'desc';
}

/** `q` selects every column of `table` with the caller's filters; `what` names the table's things in a 404. */
export async function page<T extends Paged>(db: Db, table: T, q: SelectQueryBuilder<Database, T, Record<string, unknown>>, f: PageFilter, what: string): Promise<Array<Record<string, unknown>>> {
  const key = f.sort_key ?? 'created_at';
  const dir = f.sort_dir ?? 'asc';
  // Nulls sort as the empty string, so the marker's position is total.
  const col = sql<string>`coalesce(${sql.ref(key)}, '')`;
  // The builder's column types are the table's; the sort key is checked by the API (pageParams).
  let out = q as unknown as SelectQueryBuilder<any, any, Record<string, unknown>>;
  if (f.marker) {
    const m = (await (db as Kysely<any>).selectFrom(table).selectAll().where('uuid', '=', f.marker).executeTakeFirst()) as Record<string, unknown> | undefined;
    if (!m) throw notFound(`Marker ${what}`, f.marker);
    const op = dir === 'asc' ? '>' : '<';
    const mv = String(m[key] ?? '');
    out = out.where((eb) => eb.or([eb(col, op, mv), eb.and([eb(col, '=', mv), eb('uuid', op, m.uuid)])]));
  }
  out = out.orderBy(col, dir).orderBy('uuid', dir);
  if (f.limit) out = out.limit(f.limit);
  return out.execute();
}
