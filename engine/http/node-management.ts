// Node sub-resources of interfaces ironplan has only in part: NMI (1.29, through the manager), BIOS
// settings (1.40), RAID (1.12) and the console (1.1). Each answers as Ironic answers a node whose
// interface of that kind is the "none" one (no-bios, no-raid, no-console), which is what these nodes are.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EngineError } from '../errors.js';
import { baseUrl, identParam, objectBody, type HttpContext } from './context.js';
import { findBiosSetting, listBiosSettings } from '../store/bios.js';
import { biosSettingJson } from './bios.js';
import { NOOP_INTERFACES } from './repr.js';
import { requireVersion } from './version.js';

/** Ironic's UnsupportedDriverExtension (400): the node's interface of that kind is the "none" one. */
function unsupported(kind: 'bios' | 'console' | 'raid', uuid: string): EngineError {
  return new EngineError('InvalidParameter', `Driver of node ${uuid} does not support ${kind} (disabled or not implemented): its ${kind}_interface is "${NOOP_INTERFACES[`${kind}_interface`]}".`, `${kind}_interface`);
}

export function registerNodeManagementRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const manager = ctx.engine.manager;
  const nodes = ctx.engine.nodes;
  const tags = ['node actions'];

  app.put('/v1/nodes/:ident/management/inject_nmi', { schema: { summary: 'Inject a non-maskable interrupt (204)', tags } }, async (req, reply) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/management/inject_nmi', 'Injecting an NMI');
    await manager.injectNmi(identParam(req));
    return reply.code(204).send();
  });

  // BIOS settings are what the bios interface cached; a no-bios node has none (Ironic answers an empty list).
  const biosNode = async (req: FastifyRequest) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/bios', 'BIOS settings');
    return nodes.getNode(identParam(req));
  };
  app.get('/v1/nodes/:ident/bios', { schema: { summary: "The node's cached BIOS settings", tags } }, async (req) => {
    const node = await biosNode(req);
    const settings = await listBiosSettings(ctx.engine.store.db, node.uuid);
    return { bios: settings.map((s) => biosSettingJson(s, identParam(req), baseUrl(req))) };
  });
  app.get('/v1/nodes/:ident/bios/:setting', { schema: { summary: 'One cached BIOS setting', tags } }, async (req) => {
    const node = await biosNode(req);
    const name = identParam(req, 'setting');
    const setting = await findBiosSetting(ctx.engine.store.db, node.uuid, name);
    if (!setting) throw new EngineError('NotFound', `Node ${node.uuid} doesn't have a BIOS setting '${name}'`);
    return { [name]: biosSettingJson(setting, node.uuid, baseUrl(req)) };
  });

  app.put('/v1/nodes/:ident/states/raid', { schema: { summary: "Set the node's target RAID configuration", tags } }, async (req) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/states/raid', 'RAID configuration');
    const node = await nodes.getNode(identParam(req));
    throw unsupported('raid', node.uuid);
  });

  app.get('/v1/nodes/:ident/states/console', { schema: { summary: "The node's console (no-console: disabled)", tags } }, async (req) => {
    await nodes.getNode(identParam(req));
    return { console_enabled: false, console_info: null };
  });
  app.put('/v1/nodes/:ident/states/console', { schema: { summary: 'Enable or disable the console', tags } }, async (req, reply) => {
    const node = await nodes.getNode(identParam(req));
    const enabled = objectBody(req).enabled;
    if (typeof enabled !== 'boolean') throw new EngineError('InvalidParameter', 'enabled: must be a boolean', 'enabled');
    // Disabling a console that never runs is a no-op Ironic accepts; enabling one needs a console interface.
    if (enabled) throw unsupported('console', node.uuid);
    return reply.code(202).send();
  });
}
