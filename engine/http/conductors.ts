// Ironic's conductors resource (API 1.49): the managers as the database records them, alive or not, with
// the hardware types each loaded. A manager that stopped cleanly signed off and is not listed; one that
// died is listed with alive=false until its row is cleared.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConductorRow } from '../store/store.js';
import { isAlive } from '../rpc/cluster.js';
import { EngineError } from '../errors.js';
import { baseUrl, boolParam, identParam, type HttpContext } from './context.js';
import { links } from './repr.js';

function conductorView(c: ConductorRow, heartbeatTimeoutSec: number, base: string, detail: boolean): Record<string, unknown> {
  // The manager's id (host:pid:nonce) is its hostname here: several managers may share a host.
  const out: Record<string, unknown> = { hostname: c.id, conductor_group: c.conductor_group ?? '', alive: isAlive(c, heartbeatTimeoutSec) };
  if (detail) {
    out.drivers = (c.catalog?.types ?? []).map((t) => t.name).sort();
    out.created_at = c.started_at;
    out.updated_at = c.heartbeat_at;
  }
  out.links = links(base, `conductors/${encodeURIComponent(c.id)}`);
  return out;
}

export function registerConductorRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const tags = ['conductors'];
  const timeout = () => ctx.engine.heartbeatTimeoutSec;
  const registered = async () => (await ctx.engine.store.listConductors()).filter((c) => c.online);

  app.get('/v1/conductors', { schema: { summary: 'The managers (Ironic 1.49 conductors): ?detail=true adds drivers and times', tags, responses: { 200: { type: 'object', properties: { conductors: { type: 'array', items: { $ref: 'conductor.schema.json' } } } } } } }, async (req: FastifyRequest) => {
    const detail = boolParam(req, 'detail') === true;
    const base = baseUrl(req);
    return { conductors: (await registered()).sort((a, b) => a.id.localeCompare(b.id)).map((c) => conductorView(c, timeout(), base, detail)) };
  });

  app.get('/v1/conductors/:hostname', { schema: { summary: 'One manager, with its drivers', tags, responses: { 200: { $ref: 'conductor.schema.json' } } } }, async (req: FastifyRequest) => {
    const name = identParam(req, 'hostname');
    const c = (await registered()).find((x) => x.id === name);
    if (!c) throw new EngineError('NotFound', `Conductor ${name} could not be found.`);
    return conductorView(c, timeout(), baseUrl(req), true);
  });
}
