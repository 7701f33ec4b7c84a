// Deploy template rows (Ironic's deploy_templates, API 1.55). A template has no driver and no node, so
// the API service writes them itself, as Ironic's API does. Names are unique (409 naming the field).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DeployTemplateRecord } from '../generated/deploy-template-record.js';
import type { Database, DeployTemplatesTable } from './tables.js';
import { EngineError, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { page, type PageFilter } from './paging.js';

type Db = Kysely<Database> | Transaction<Database>;
export type DeployTemplateChange = Partial<Pick<DeployTemplateRecord, 'name' | 'steps' | 'extra'>>;

const fromRow = (r: Selectable<DeployTemplatesTable>): DeployTemplateRecord => ({
  uuid: r.uuid,
  name: r.name,
  steps: JSON.parse(r.steps) as DeployTemplateRecord['steps'],
  extra: JSON.parse(r.extra) as Record<string, unknown>,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export async function findDeployTemplate(db: Db, ident: string): Promise<DeployTemplateRecord | undefined> {
  const q = db.selectFrom('deploy_templates').selectAll();
  const row = await (isUuid(ident) ? q.where('uuid', '=', ident.toLowerCase()) : q.where('name', '=', ident)).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function getDeployTemplate(db: Db, ident: string): Promise<DeployTemplateRecord> {
  const t = await findDeployTemplate(db, ident);
  if (!t) throw notFound('Deploy template', ident);
  return t;
}

export async function listDeployTemplates(db: Db, f: PageFilter): Promise<DeployTemplateRecord[]> {
  return (await page(db, 'deploy_templates', db.selectFrom('deploy_templates').selectAll(), f, 'deploy template')).map((r) => fromRow(r as Selectable<DeployTemplatesTable>));
}

/** The templates named by a deploy's traits (Ironic's DeployTemplate.list_by_names). */
export async function deployTemplatesNamed(db: Db, names: readonly string[]): Promise<DeployTemplateRecord[]> {
  if (!names.length) return [];
  return (await db.selectFrom('deploy_templates').selectAll().where('name', 'in', [...names]).orderBy('name').execute()).map(fromRow);
}

async function checkUnique(db: Db, t: { uuid: string; name?: string }, self?: string): Promise<void> {
  if (!self && (await db.selectFrom('deploy_templates').select('uuid').where('uuid', '=', t.uuid).executeTakeFirst())) {
    throw new EngineError('Conflict', `A deploy template with UUID ${t.uuid} already exists.`, 'uuid');
  }
  if (t.name) {
    let q = db.selectFrom('deploy_templates').select('uuid').where('name', '=', t.name);
    if (self) q = q.where('uuid', '!=', self);
    if (await q.executeTakeFirst()) throw new EngineError('Conflict', `A deploy template with name ${t.name} already exists.`, 'name');
  }
}

export async function insertDeployTemplate(db: Db, t: DeployTemplateRecord): Promise<void> {
  await checkUnique(db, t);
  await db
    .insertInto('deploy_templates')
    .values({ uuid: t.uuid, name: t.name, steps: JSON.stringify(t.steps), extra: JSON.stringify(t.extra), created_at: t.created_at, updated_at: t.updated_at })
    .execute();
}

export async function updateDeployTemplate(db: Db, uuid: string, c: DeployTemplateChange, at: string): Promise<DeployTemplateRecord> {
  await checkUnique(db, { uuid, name: c.name }, uuid);
  const row: Partial<DeployTemplatesTable> = { updated_at: at };
  if (c.name !== undefined) row.name = c.name;
  if (c.steps !== undefined) row.steps = JSON.stringify(c.steps);
  if (c.extra !== undefined) row.extra = JSON.stringify(c.extra);
  const res = await db.updateTable('deploy_templates').set(row).where('uuid', '=', uuid).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw notFound('Deploy template', uuid);
  return getDeployTemplate(db, uuid);
}

export async function deleteDeployTemplate(db: Db, uuid: string): Promise<void> {
  const res = await db.deleteFrom('deploy_templates').where('uuid', '=', uuid).executeTakeFirst();
  if (Number(res.numDeletedRows) !== 1) throw notFound('Deploy template', uuid);
}
