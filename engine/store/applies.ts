// The recorded applies as a list: newest first, a page at a time, each with how many of its actions are
// in each status. Kept apart from store.ts, which binds these to a connection or transaction (TxStore).
import type { Kysely, Transaction } from 'kysely';
import type { ActionStatus } from '../generated/apply.js';
import type { ApplySummary } from '../generated/apply-list.js';
import type { Database } from './tables.js';
import { EngineError } from '../errors.js';
import { loadSchema } from '../validation.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The action statuses, from the schema that defines them (apply.schema.json), for counts that name every one. */
const ACTION_STATUSES = ((loadSchema('apply.schema.json').definitions as Record<string, { enum: ActionStatus[] }>).ActionStatus!).enum;

export interface ApplyPage {
  limit: number;
  /** The id of the last apply of the previous page. */
  marker?: string;
}

export async function pageApplies(db: Db, page: ApplyPage): Promise<ApplySummary[]> {
  let q = db.selectFrom('applies').selectAll();
  if (page.marker) {
    const m = await db.selectFrom('applies').select(['id', 'started_at']).where('id', '=', page.marker).executeTakeFirst();
    if (!m) throw new EngineError('InvalidParameter', `marker: there is no apply ${page.marker}`, 'marker');
    // Newest first; applies started in the same instant are ordered by id, so the page boundary is exact.
    q = q.where((eb) => eb.or([eb('started_at', '<', m.started_at), eb.and([eb('started_at', '=', m.started_at), eb('id', '<', m.id)])]));
  }
  const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
  if (!rows.length) return [];
  const counted = await db
    .selectFrom('apply_actions')
    .select((eb) => ['apply_id', 'status', eb.fn.countAll().as('n')])
    .where(
      'apply_id',
      'in',
      rows.map((r) => r.id),
    )
    .groupBy(['apply_id', 'status'])
    .execute();
  const counts = new Map(rows.map((r) => [r.id, Object.fromEntries([['total', 0], ...ACTION_STATUSES.map((s) => [s, 0])]) as ApplySummary['counts']]));
  for (const c of counted) {
    const to = counts.get(c.apply_id)!;
    to[c.status as ActionStatus] += Number(c.n);
    to.total += Number(c.n);
  }
  return rows.map((r) => ({
    id: r.id,
    plan_id: r.plan_id,
    status: r.status as ApplySummary['status'],
    started_at: r.started_at,
    finished_at: r.finished_at,
    error: r.error,
    counts: counts.get(r.id)!,
  }));
}
