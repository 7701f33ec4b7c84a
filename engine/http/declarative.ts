// The declarative API: desired state (specs), plans computed from specs and records, applies of plans.
// Bodies are validated by the shared schemas (schemas/*.schema.json) through the route schemas, and
// again by the engine, which is the authority.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Plan } from '../generated/plan.js';
import type { NodeSpec } from '../generated/node-spec.js';
import type { DeploymentSpec } from '../generated/deployment-spec.js';
import type { Fleet } from '../generated/fleet.js';
import type { Engine } from '../engine.js';
import { EngineError } from '../errors.js';
import { baseUrl, identParam, objectBody, type HttpContext } from './context.js';

/** A stored plan by id; the facade gains getPlan in the engine owner's next change. */
function getPlan(engine: Engine, id: string): Promise<Plan> {
  const withGetter = engine as Engine & { getPlan?: (id: string) => Promise<Plan> };
  if (typeof withGetter.getPlan === 'function') return withGetter.getPlan(id);
  return engine.store.getPlan(id);
}

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

  app.put('/v1/specs/nodes/:name', { preValidation: nameFromUrl, schema: { summary: 'Create or replace one node spec', tags, body: { $ref: 'node-spec.schema.json' } } }, async (req) => {
    const name = identParam(req, 'name');
    const body = objectBody(req);
    nameMatches(body, name);
    const spec = { ...body, name } as NodeSpec;
    await engine.putNodeSpec(spec);
    return spec;
  });

  app.delete('/v1/specs/nodes/:name', { schema: { summary: 'Remove one node spec (the next plan removes a managed node)', tags } }, async (req, reply) => {
    const name = identParam(req, 'name');
    if (!(await engine.deleteNodeSpec(name))) throw new EngineError('NotFound', `Node spec ${name} could not be found.`);
    return reply.code(204).send();
  });

  app.put('/v1/specs/deployments/:name', { preValidation: nameFromUrl, schema: { summary: 'Create or replace one deployment spec', tags, body: { $ref: 'deployment-spec.schema.json' } } }, async (req) => {
    const name = identParam(req, 'name');
    const body = objectBody(req);
    nameMatches(body, name);
    const spec = { ...body, name } as DeploymentSpec;
    await engine.putDeploymentSpec(spec);
    return spec;
  });

  app.delete('/v1/specs/deployments/:name', { schema: { summary: 'Remove one deployment spec', tags } }, async (req, reply) => {
    const name = identParam(req, 'name');
    if (!(await engine.deleteDeploymentSpec(name))) throw new EngineError('NotFound', `Deployment spec ${name} could not be found.`);
    return reply.code(204).send();
  });

  app.post('/v1/plans', { schema: { summary: 'Plan: diff the specs against the records (stored, by id)', tags, responses: { 201: { $ref: 'plan.schema.json' } } } }, async (req, reply) => {
    const plan = await engine.makePlan();
    reply.code(201).header('Location', `${baseUrl(req)}/v1/plans/${plan.id}`);
    return plan;
  });

  app.get('/v1/plans/:id', { schema: { summary: 'A stored plan', tags, responses: { 200: { $ref: 'plan.schema.json' } } } }, async (req) => getPlan(engine, identParam(req, 'id')));

  app.post('/v1/plans/:id/apply', { schema: { summary: 'Apply a plan (202; 409 StalePlan if its inputs changed)', tags, body: { type: 'object', properties: { concurrency: { type: 'integer', minimum: 1, maximum: 256 } } } } }, async (req, reply) => {
    const body = objectBody(req);
    const started = await engine.applyPlan(identParam(req, 'id'), { concurrency: body.concurrency as number | undefined });
    // The outcome is recorded (GET /v1/applies/{id}, events); nobody awaits it here.
    started.done.catch((err: unknown) => req.log.error({ err, apply_id: started.apply_id }, 'apply failed'));
    reply.code(202).header('Location', `${baseUrl(req)}/v1/applies/${started.apply_id}`);
    return { apply_id: started.apply_id };
  });

  app.get('/v1/applies/:id', { schema: { summary: 'Progress and outcome of an apply, action by action', tags } }, async (req) => engine.getApply(identParam(req, 'id')));
}
