// The declarative API: desired state (specs), plans computed from specs and records, applies of plans.
// Bodies are validated by the shared schemas (schemas/*.schema.json) through the route schemas, and
// again by the engine, which is the authority.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { NodeSpec } from '../generated/node-spec.js';
import type { DeploymentSpec } from '../generated/deployment-spec.js';
import type { Fleet } from '../generated/fleet.js';
import { EngineError } from '../errors.js';
import type { ApplyList } from '../generated/apply-list.js';
import { baseUrl, identParam, objectBody, type HttpContext } from './context.js';
import { nextLink, pageParams } from './list.js';

function nameMatches(spec: { name?: unknown }, name: string): void {
  if (spec.name !== undefined && spec.name !== name) {
    throw new EngineError('InvalidParameter', `name: the body names "${String(spec.name)}" but the URL names "${name}"`, 'name');
  }
}

/** The URL names the spec: a body without a name takes it before the schema (which requires one) checks it. */
async function nameFromUrl(req: FastifyRequest): Promise<void> {
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body) && body.name === undefined) body.name = identParam(req, 'name');
}

export function registerDeclarativeRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const engine = ctx.engine;
  const tags = ['declarative'];

  app.get('/v1/specs', { schema: { summary: 'The desired state: every node and deployment spec (a Fleet)', tags, responses: { 200: { $ref: 'fleet.schema.json' } } } }, async () => engine.getFleet());

  app.put('/v1/specs', { schema: { summary: 'Replace the whole desired state', tags, body: { $ref: 'fleet.schema.json' } } }, async (req) => {
    await engine.putSpecs(req.body as Fleet);
    return engine.getFleet();
  });

  /** PUT and DELETE of one named spec; nodes and deployments differ only in what the engine is asked. */
  const specRoutes = <T extends { name: string }>(kind: string, label: string, schemaId: string, put: (spec: T) => Promise<unknown>, remove: (name: string) => Promise<boolean>, removeNote = '') => {
    app.put(`/v1/specs/${kind}/:name`, { preValidation: nameFromUrl, schema: { summary: `Create or replace one ${label}`, tags, body: { $ref: schemaId } } }, async (req) => {
      const name = identParam(req, 'name');
      const body = objectBody(req);
      nameMatches(body, name);
      const spec = { ...body, name } as T;
      await put(spec);
      return spec;
    });
    app.delete(`/v1/specs/${kind}/:name`, { schema: { summary: `Remove one ${label}${removeNote}`, tags } }, async (req, reply) => {
      const name = identParam(req, 'name');
      if (!(await remove(name))) throw new EngineError('NotFound', `${label[0]!.toUpperCase()}${label.slice(1)} ${name} could not be found.`);
      return reply.code(204).send();
    });
  };
  specRoutes<NodeSpec>('nodes', 'node spec', 'node-spec.schema.json', (s) => engine.putNodeSpec(s), (n) => engine.deleteNodeSpec(n), ' (the next plan removes a managed node)');
  specRoutes<DeploymentSpec>('deployments', 'deployment spec', 'deployment-spec.schema.json', (s) => engine.putDeploymentSpec(s), (n) => engine.deleteDeploymentSpec(n));

  app.post('/v1/plans', { schema: { summary: 'Plan: diff the specs against the records (stored, by id)', tags, responses: { 201: { $ref: 'plan.schema.json' } } } }, async (req, reply) => {
    const plan = await engine.makePlan();
    reply.code(201).header('Location', `${baseUrl(req)}/v1/plans/${plan.id}`);
    return plan;
  });

  // A dry run posts its fleet (one does not fit in a URL) but stores nothing, neither the fleet nor the
  // plan: it is a read, so readers may call it (config.readOnly, see server.ts), and it cannot replace the
  // desired state or make anyone's stored plan stale. Only PUT /v1/specs and apply change what is desired.
  app.post('/v1/plans/dry-run', { config: { readOnly: true }, schema: { summary: 'Plan a posted fleet against the records without storing either (what `ironplan plan` shows); open to readers', tags, body: { $ref: 'fleet.schema.json' }, responses: { 200: { $ref: 'plan.schema.json' } } } }, async (req) => {
    if (req.body === undefined) throw new EngineError('InvalidParameter', 'A Fleet is expected as the request body: {"nodes": [...], "deployments": [...]}.');
    return engine.planFleet(req.body as Fleet);
  });

  app.get('/v1/plans/:id', { schema: { summary: 'A stored plan', tags, responses: { 200: { $ref: 'plan.schema.json' } } } }, async (req) => engine.getPlan(identParam(req, 'id')));

  app.post('/v1/plans/:id/apply', { schema: { summary: 'Apply a plan (202; 409 StalePlan if its inputs changed)', tags, body: { type: 'object', properties: { concurrency: { type: 'integer', minimum: 1, maximum: 256 } } } } }, async (req, reply) => {
    const body = objectBody(req);
    const started = await engine.applyPlan(identParam(req, 'id'), { concurrency: body.concurrency as number | undefined });
    // The outcome is recorded (GET /v1/applies/{id}, events); nobody awaits it here.
    started.done?.catch((err: unknown) => req.log.error({ err, apply_id: started.apply_id }, 'apply failed'));
    reply.code(202).header('Location', `${baseUrl(req)}/v1/applies/${started.apply_id}`);
    return { apply_id: started.apply_id };
  });

  // Newest first, as someone looking for "what happened lately" reads them; paged as Ironic pages its lists.
  const pageQuery = { type: 'object', additionalProperties: false, properties: { limit: { type: 'string', description: 'At most this many (default and ceiling 1000).' }, marker: { type: 'string', description: 'The id of the last apply of the previous page.' } } };
  app.get('/v1/applies', { schema: { summary: 'The recorded applies, newest first, each with its outcome and action counts (ironplan)', tags, querystring: pageQuery, responses: { 200: { $ref: 'apply-list.schema.json' } } } }, async (req): Promise<ApplyList> => {
    const page = pageParams(req, []);
    const applies = await engine.store.pageApplies({ limit: page.limit, marker: page.marker });
    const next = nextLink(baseUrl(req), '/v1/applies', req, applies.map((a) => ({ uuid: a.id })), page.limit);
    return next ? { applies, next } : { applies };
  });

  app.get('/v1/applies/:id', { schema: { summary: 'Progress and outcome of an apply, action by action', tags, responses: { 200: { $ref: 'apply.schema.json' } } } }, async (req) => engine.getApply(identParam(req, 'id')));
}
