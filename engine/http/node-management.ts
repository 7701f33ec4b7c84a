// Node sub-resources of interfaces ironplan has only in part: NMI (1.29, through the manager), BIOS
// settings (1.40), RAID (1.12) and the console (1.1). Each answers as Ironic answers a node whose
// interface of that kind is the "none" one (no-bios, no-raid, no-console), which is what these nodes are.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EngineError } from '../errors.js';
import { baseUrl, boolParam, identParam, objectBody, param, type HttpContext } from './context.js';
import { findBiosSetting, listBiosSettings } from '../store/bios.js';
import { biosSettingJson } from './bios.js';
import { NOOP_INTERFACES } from './repr.js';
import { requireVersion, versionHas } from './version.js';

/** Ironic's UnsupportedDriverExtension (400): the node's interface of that kind is the "none" one. */
function unsupported(kind: 'bios' | 'console' | 'raid', uuid: string): EngineError {
  return new EngineError('InvalidParameter', `Driver of node ${uuid} does not support ${kind} (disabled or not implemented): its ${kind}_interface is "${NOOP_INTERFACES[`${kind}_interface`]}".`, `${kind}_interface`);
}

/**
 * ?detail and ?fields of the BIOS list, as Ironic's get_request_return_fields checks them: 400 below 1.74
 * (the BIOS registry), and not both at once. Every answer is the empty list of a no-bios node.
 */
function checkBiosQuery(req: FastifyRequest): void {
  const detail = param(req, 'detail');
  const fields = param(req, 'fields');
  const registry = versionHas(req, 'behaviour', 'node', 'bios-registry');
  if (detail !== undefined && !registry) throw new EngineError('InvalidParameter', `Invalid query parameter ?detail=${detail} received.`, 'detail');
  if (fields !== undefined && !registry) throw new EngineError('InvalidParameter', `Invalid query parameter ?fields=${fields} received.`, 'fields');
  if (fields !== undefined && detail !== undefined && boolParam(req, 'detail')) throw new EngineError('InvalidParameter', 'Can not specify ?detail=True and fields in the same request.', 'fields');
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
  app.get('/v1/nodes/:ident/bios', { schema: { summary: "The node's cached BIOS settings (?detail, ?fields from 1.74)", tags } }, async (req) => {
    const node = await biosNode(req);
    checkBiosQuery(req);
    const detail = param(req, 'detail') !== undefined && boolParam(req, 'detail');
    const fields = param(req, 'fields')?.split(',').map((f) => f.trim()).filter(Boolean);
    const settings = await listBiosSettings(ctx.engine.store.db, node.uuid);
    return {
      bios: settings.map((s) => {
        const json = biosSettingJson(s, identParam(req), baseUrl(req), detail);
        return fields ? Object.fromEntries(Object.entries(json).filter(([k]) => fields.includes(k) || k === 'links')) : json;
      }),
    };
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
