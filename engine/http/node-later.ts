// Node endpoints of API 1.63 to 1.89: indicators, boot mode and secure boot, history, shards, children,
// firmware and virtual media. Each is gated by its row of the versions table (404 below), and answers as
// Ironic answers a node whose interface of that kind has nothing to offer (these nodes' management
// interfaces have no indicators, boot mode control, firmware or virtual media). History is ironplan's
// event log of the node, in Ironic's shape.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Event } from '../generated/event.js';
import { EngineError } from '../errors.js';
import { baseUrl, boolParam, identParam, type HttpContext } from './context.js';
import { links } from './repr.js';
import { requireVersion } from './version.js';
import { FAILED_STATES } from '../states.js';
import type { ProvisionState } from '../states.js';

const unsupported = (uuid: string, what: string) =>
  new EngineError('InvalidParameter', `Node ${uuid}: ${what} is not supported by its management interface.`, 'management_interface');

/** An event's id as the UUID Ironic names history entries by (the id in its last group). */
const historyUuid = (id: number) => `00000000-0000-4000-8000-${id.toString(16).padStart(12, '0')}`;
const eventId = (uuid: string) => (/^00000000-0000-4000-8000-([0-9a-f]{12})$/.exec(uuid) ? parseInt(uuid.slice(24), 16) : undefined);

function historyView(e: Event, base: string, nodeUuid: string, detail: boolean): Record<string, unknown> {
  // Ironic records failures as ERROR and everything else it keeps as INFO.
  const failed = e.to !== null && e.to !== undefined && FAILED_STATES.includes(e.to as ProvisionState);
  const out: Record<string, unknown> = {
    uuid: historyUuid(e.id),
    created_at: e.time,
    severity: failed ? 'ERROR' : 'INFO',
    event: e.reason ?? [e.verb, e.from && e.to ? `${e.from} -> ${e.to}` : e.to].filter(Boolean).join(': '),
  };
  if (detail) Object.assign(out, { event_type: e.type, conductor: e.conductor ?? null, user: e.actor });
  out.links = links(base, `nodes/${nodeUuid}/history/${historyUuid(e.id)}`);
  return out;
}

export function registerLaterNodeRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const nodes = ctx.engine.nodes;
  const store = ctx.engine.store;
  const tags = ['node actions'];

  // What the last inspection found (agent or BMC); Ironic's 404 when the node has never been inspected.
  app.get('/v1/nodes/:ident/inventory', { schema: { summary: "The node's inspection inventory", tags } }, async (req) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/inventory', 'The node inventory');
    const node = await nodes.getNode(identParam(req));
    const found = await store.findInventory(node.uuid);
    if (!found) throw new EngineError('NotFound', `Node inventory for node ${node.uuid} could not be found.`);
    return found;
  });

  app.get('/v1/nodes/:ident/management/indicators', { schema: { summary: "The node's indicators (none)", tags } }, async (req) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/management/indicators', 'Indicators');
    await nodes.getNode(identParam(req));
    return { indicators: [] };
  });

  for (const [path, what] of [['boot_mode', 'changing the boot mode'], ['secure_boot', 'changing secure boot']] as const) {
    app.put(`/v1/nodes/:ident/states/${path}`, { schema: { summary: `Set ${path} (not supported: 400)`, tags } }, async (req) => {
      requireVersion(req, 'endpoint', 'v1', `/v1/nodes/{node}/states/${path}`, `Setting ${path}`);
      throw unsupported((await nodes.getNode(identParam(req))).uuid, what);
    });
  }

  const historyNode = async (req: FastifyRequest) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/history', 'Node history');
    return nodes.getNode(identParam(req));
  };
  app.get('/v1/nodes/:ident/history', { schema: { summary: "The node's history (its events)", tags } }, async (req) => {
    const node = await historyNode(req);
    const detail = boolParam(req, 'detail') === true;
    const events = await store.listEvents({ node_uuid: node.uuid });
    return { history: events.map((e) => historyView(e, baseUrl(req), node.uuid, detail)) };
  });
  app.get('/v1/nodes/:ident/history/:event', { schema: { summary: 'One history entry', tags } }, async (req) => {
    const node = await historyNode(req);
    const wanted = identParam(req, 'event');
    const id = eventId(wanted);
    const found = id === undefined ? undefined : (await store.listEvents({ node_uuid: node.uuid })).find((e) => e.id === id);
    if (!found) throw new EngineError('NotFound', `Node history record ${wanted} could not be found.`);
    return historyView(found, baseUrl(req), node.uuid, true);
  });

  app.get('/v1/shards', { schema: { summary: 'Shards and how many nodes each holds', tags: ['nodes'] } }, async (req) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/shards', 'Shards');
    return { shards: await store.countNodesByShard() };
  });

  app.get('/v1/nodes/:ident/children', { schema: { summary: "The node's child nodes", tags } }, async (req) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/children', 'Child nodes');
    const node = await nodes.getNode(identParam(req));
    return { children: (await nodes.listNodes({ parent_node: node.uuid })).map((n) => n.uuid) };
  });

  app.get('/v1/nodes/:ident/firmware', { schema: { summary: "The node's firmware components (none)", tags } }, async (req) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/firmware', 'Firmware');
    await nodes.getNode(identParam(req));
    return { firmware: [] };
  });

  const vmedia = async (req: FastifyRequest) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/vmedia', 'Virtual media');
    throw unsupported((await nodes.getNode(identParam(req))).uuid, 'virtual media');
  };
  app.post('/v1/nodes/:ident/vmedia', { schema: { summary: 'Attach virtual media (not supported: 400)', tags } }, vmedia);
  app.delete('/v1/nodes/:ident/vmedia', { schema: { summary: 'Detach virtual media (not supported: 400)', tags } }, vmedia);
}
