// Ironic v1 VIFs (API 1.28): GET/POST /v1/nodes/{node}/vifs, DELETE /v1/nodes/{node}/vifs/{vif_id}.
// Attach and detach go to the node's manager (they hold its lock, as Ironic's conductor does); the list
// is read from the ports' and port groups' records (engine/conductor/vifs.ts says what is recorded).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid } from '../errors.js';
import { isUuid } from '../ids.js';
import { vifsOf } from '../conductor/vifs.js';
import { identParam, objectBody, type HttpContext } from './context.js';
import { isLogicalName } from './names.js';
import { requireVersion, versionHas } from './version.js';


/** Ironic's args.uuid_or_name: a UUID or a logical name. */
function vifIdent(v: unknown, what: string): string {
  if (typeof v !== 'string') throw invalid(`Schema error for ${what}: ${JSON.stringify(v)} is not of type 'string'`, 'id');
  if (!isUuid(v) && !isLogicalName(v)) throw invalid(`Expected a logical name or UUID but received ${v}.`, 'id');
  return v;
}

export function registerVifRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const manager = ctx.engine.manager;
  const nodes = ctx.engine.nodes;
  const tags = ['nodes'];
  const gate = (req: FastifyRequest) => requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/vifs', 'VIFs');

  app.get('/v1/nodes/:ident/vifs', { schema: { summary: "A node's attached VIFs", tags } }, async (req) => {
    gate(req);
    const node = await nodes.getNode(identParam(req));
    const [ports, groups] = await Promise.all([nodes.listPorts({ node_uuid: node.uuid }), ctx.engine.store.listPortgroups({ node_uuid: node.uuid })]);
    return { vifs: vifsOf(ports, groups) };
  });

  app.post('/v1/nodes/:ident/vifs', { schema: { summary: 'Attach a VIF to a free port or port group of the node', tags } }, async (req, reply) => {
    gate(req);
    const body = objectBody(req);
    if (body.id === undefined) throw invalid("Schema error for vif: 'id' is a required property", 'id');
    const id = vifIdent(body.id, 'vif');
    if (versionHas(req, 'behaviour', 'node', 'vif-port-uuid') && body.port_uuid !== undefined && body.portgroup_uuid !== undefined) {
      throw invalid('Cannot specify both port_uuid and portgroup_uuid', 'port_uuid');
    }
    const node = await nodes.getNode(identParam(req));
    await manager.attachVif(node.uuid, { ...body, id });
    return reply.code(204).send();
  });

  app.delete('/v1/nodes/:ident/vifs/:vif', { schema: { summary: 'Detach a VIF from the node', tags } }, async (req, reply) => {
    gate(req);
    const id = vifIdent(identParam(req, 'vif'), 'vif_id');
    const node = await nodes.getNode(identParam(req));
    await manager.detachVif(node.uuid, id);
    return reply.code(204).send();
  });
}
