// Ironic v1 deploy templates (API 1.55): /v1/deploy_templates. A template has no driver and no node, so
// the API service writes templates to the database itself, as Ironic's API does. A deploy whose
// instance_info.traits name a template gets its steps (engine/conductor/deploy-steps.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DeployTemplateCreate, DeployStep } from '../generated/deploy-template-create.js';
import type { DeployTemplateRecord } from '../generated/deploy-template-record.js';
import { invalid } from '../errors.js';
import { newUuid } from '../ids.js';
import { assertValid } from '../validation.js';
import { now } from '../store/store.js';
import * as rows from '../store/deploy-templates.js';
import { baseUrl, boolParam, identParam, param, type HttpContext } from './context.js';
import { nextLink, pageParams } from './list.js';
import { applyPatch, patchOf } from './jsonpatch.js';
import { atVersion, links, parseFields, pick } from './repr.js';
import { checkQuery, requireVersion } from './version.js';

const SORT_KEYS = ['uuid', 'name', 'created_at', 'updated_at'] as const;
const PATCHABLE = ['name', 'steps', 'extra'];
const LIST_FIELDS = ['uuid', 'name', 'links'];
const SECRET = /password|secret|token/i;


/** Step arguments named like secrets are masked, as Ironic masks them. */
const masked = (args: Record<string, unknown>) => Object.fromEntries(Object.entries(args).map(([k, v]) => [k, SECRET.test(k) ? '******' : v]));

export function deployTemplateDetail(t: DeployTemplateRecord, v: number, base: string): Record<string, unknown> {
  const full: Record<string, unknown> = {
    uuid: t.uuid,
    name: t.name,
    steps: t.steps.map((s) => ({ interface: s.interface, step: s.step, args: masked(s.args), priority: s.priority })),
    extra: t.extra,
    created_at: t.created_at,
    updated_at: t.updated_at,
    links: links(base, `deploy_templates/${t.uuid}`),
  };
  return atVersion(full, 'deploy_template', v);
}

/** Ironic's TEMPLATE_VALIDATOR: the schema, then no interface/step twice; priorities become numbers. */
function checkedSteps(steps: DeployStep[]): DeployTemplateRecord['steps'] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const s of steps) {
    const key = `interface: ${s.interface}, step: ${s.step}`;
    if (seen.has(key)) dups.add(key);
    seen.add(key);
  }
  if (dups.size) {
    throw invalid(`Duplicate deploy steps. A deploy template cannot have multiple deploy steps with the same interface and step. Duplicates: ${[...dups].join('; ')}`, 'steps');
  }
  return steps.map((s) => ({ interface: s.interface, step: s.step, args: s.args, priority: Number(s.priority) }));
}

const gate = (req: FastifyRequest) => requireVersion(req, 'endpoint', 'v1', '/v1/deploy_templates', 'Deploy templates');

export function registerDeployTemplateRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const store = ctx.engine.store;
  const tags = ['deploy_templates'];

  const list = (detailPath: boolean) => async (req: FastifyRequest) => {
    gate(req);
    checkQuery(req, 'deploy_templates');
    const v = req.apiVersion;
    const fields = parseFields(param(req, 'fields'), 'deploy_template', v);
    if (detailPath && fields) throw invalid('Can not specify ?fields with the /detail resource', 'fields');
    const detail = detailPath || boolParam(req, 'detail') === true;
    const p = pageParams(req, SORT_KEYS);
    const found = await rows.listDeployTemplates(store.db, p);
    const base = baseUrl(req);
    const next = nextLink(base, detailPath ? '/v1/deploy_templates/detail' : '/v1/deploy_templates', req, found, p.limit);
    const out = found.map((t) => {
      const full = deployTemplateDetail(t, v, base);
      return fields ? pick(full, fields) : detail ? full : pick(full, LIST_FIELDS);
    });
    return next ? { deploy_templates: out, next } : { deploy_templates: out };
  };
  app.get('/v1/deploy_templates', { schema: { summary: 'List deploy templates (Ironic v1)', tags } }, list(false));
  app.get('/v1/deploy_templates/detail', { schema: { summary: 'List deploy templates with every field', tags } }, list(true));

  app.get('/v1/deploy_templates/:ident', { schema: { summary: 'Show a deploy template (by UUID or name)', tags } }, async (req) => {
    gate(req);
    const fields = parseFields(param(req, 'fields'), 'deploy_template', req.apiVersion);
    const full = deployTemplateDetail(await rows.getDeployTemplate(store.db, identParam(req)), req.apiVersion, baseUrl(req));
    return fields ? pick(full, fields) : full;
  });

  app.post('/v1/deploy_templates', { schema: { summary: 'Create a deploy template', tags } }, async (req, reply) => {
    gate(req);
    const body = assertValid<DeployTemplateCreate>('deploy-template-create.schema.json', req.body ?? {});
    const t: DeployTemplateRecord = {
      uuid: body.uuid ? body.uuid.toLowerCase() : newUuid(),
      name: body.name,
      steps: checkedSteps(body.steps),
      extra: body.extra ?? {},
      created_at: now(),
      updated_at: null,
    };
    await store.transaction((tx) => rows.insertDeployTemplate(tx.db, t));
    const base = baseUrl(req);
    reply.code(201).header('Location', `${base}/v1/deploy_templates/${t.uuid}`);
    return deployTemplateDetail(t, req.apiVersion, base);
  });

  app.patch('/v1/deploy_templates/:ident', { schema: { summary: 'Change a deploy template with a JSON Patch (name, steps, extra)', tags } }, async (req) => {
    gate(req);
    const ops = patchOf(req.body, PATCHABLE);
    const updated = await store.transaction(async (tx) => {
      const current = await rows.getDeployTemplate(tx.db, identParam(req));
      const after = applyPatch({ name: current.name, steps: current.steps, extra: current.extra }, ops) as Record<string, unknown>;
      const valid = assertValid<DeployTemplateCreate>('deploy-template-create.schema.json', { ...after, extra: after.extra ?? {} });
      return rows.updateDeployTemplate(tx.db, current.uuid, { name: valid.name, steps: checkedSteps(valid.steps), extra: valid.extra ?? {} }, now());
    });
    return deployTemplateDetail(updated, req.apiVersion, baseUrl(req));
  });

  app.delete('/v1/deploy_templates/:ident', { schema: { summary: 'Delete a deploy template', tags } }, async (req, reply) => {
    gate(req);
    await store.transaction(async (tx) => rows.deleteDeployTemplate(tx.db, (await rows.getDeployTemplate(tx.db, identParam(req))).uuid));
    return reply.code(204).send();
  });
}
