// Ironic v1 node sub-resources: states (power, provision), boot device, validate, maintenance, vendor
// passthru and traits. Long operations answer 202 once the conductor has accepted them (the node is locked
// and its target recorded); clients follow progress on the node's states.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProvisionArgs } from '../conductor.js';
import type { PowerTarget } from '../conductor/types.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { NodeView } from '../node-view.js';
import { STABLE_STATES, type UserVerb } from '../states.js';
import { BOOT_DEVICES, type BootDevice, type CleanStep } from '../../contract/types.js';
import { EngineError, invalid } from '../errors.js';
import { validator } from '../validation.js';
import { baseUrl, identParam, objectBody, param, type HttpContext } from './context.js';
import { nodeStates, rescueInterface } from './repr.js';
import { refuseBelow, requireVersion, versionHas } from './version.js';
import { findEntry } from './versions-table.js';
import { nodeSchemas } from './openapi-shapes.js';
import { registerNodeManagementRoutes } from './node-management.js';
import { registerLaterNodeRoutes } from './node-later.js';


/** Ironic's provision targets and the verb each means here (the version of each is in the versions table). */
const PROVISION_TARGETS: Record<string, UserVerb> = {
  active: 'deploy',
  deploy: 'deploy',
  rebuild: 'rebuild',
  deleted: 'undeploy',
  undeploy: 'undeploy',
  manage: 'manage',
  provide: 'provide',
  inspect: 'inspect',
  abort: 'abort',
  clean: 'clean',
  rescue: 'rescue',
  unrescue: 'unrescue',
  adopt: 'adopt',
  service: 'service',
};

const POWER_TARGETS: Record<string, PowerTarget> = {
  'power on': 'power on',
  'power off': 'power off',
  rebooting: 'reboot',
  reboot: 'reboot',
  'soft power off': 'soft power off',
  'soft rebooting': 'soft reboot',
};

/** Ironic's timeout argument: a positive integer of seconds (400 otherwise). */
function timeoutArg(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(`Invalid timeout value ${String(v)}: must be an integer`, 'timeout');
  if (n < 1) throw invalid('timeout has to be positive integer', 'timeout');
  return n;
}

/**
 * deploy_steps (1.69, with "active" or "rebuild"): the steps Ironic would add to the deploy. No deploy
 * interface here offers optional deploy steps, so only an empty list is accepted; a step is a 400 naming it.
 */
function checkDeploySteps(req: FastifyRequest, verb: UserVerb, steps: unknown): void {
  requireVersion(req, 'behaviour', 'node', 'deploy-steps', 'deploy_steps');
  if (verb !== 'deploy' && verb !== 'rebuild') throw invalid('deploy_steps: can only be given with the "active" or "rebuild" targets', 'deploy_steps');
  if (!Array.isArray(steps)) throw invalid('deploy_steps: must be a list of steps', 'deploy_steps');
  const first = steps[0] as { interface?: unknown; step?: unknown } | undefined;
  if (first) throw invalid(`deploy_steps[0]: step "${String(first.interface)}.${String(first.step)}" is not offered by the node's interfaces (they offer no optional deploy steps)`, 'deploy_steps[0]');
}

function accepted(req: FastifyRequest, reply: FastifyReply, uuid: string, body?: Record<string, unknown>): FastifyReply {
  return reply.code(202).header('Location', `${baseUrl(req)}/v1/nodes/${uuid}/states`).send(body);
}

/**
 * ironplan's extension to Ironic's 202s: `?wait=SECONDS` answers once the operation has settled (the node
 * unlocked and in a stable state) or the time is up, with the node's states in the body, so a
 * client (the Terraform provider) needs no polling round trips. Without it the answer is Ironic's.
 */
function waitParam(req: FastifyRequest): number | undefined {
  const raw = param(req, 'wait');
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) throw invalid('wait: must be a number of seconds from 0 to 3600', 'wait');
  return seconds;
}

/** `node` is the node as the manager accepted the operation (locked): it has settled once unlocked at rest. */
async function acceptedAfterWait(req: FastifyRequest, reply: FastifyReply, nodes: NodeView, node: NodeRecord, seconds: number | undefined): Promise<FastifyReply> {
  const v = req.apiVersion;
  if (seconds === undefined) return accepted(req, reply, node.uuid);
  const settledNode = await nodes
    .waitForNode(node.uuid, (n) => n.reservation === null && n.target_power_state === null && STABLE_STATES.includes(n.provision_state), seconds * 1000)
    .catch(() => null);
  const now = settledNode ?? (await nodes.getNode(node.uuid));
  return accepted(req, reply, node.uuid, { ...nodeStates(now, v), settled: settledNode !== null });
}

export function registerNodeActionRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const manager = ctx.engine.manager;
  const nodes = ctx.engine.nodes;
  const tags = ['node actions'];
  registerNodeManagementRoutes(app, ctx);
  registerLaterNodeRoutes(app, ctx);
  const isTrait = validator('common.schema.json#/definitions/Trait');

  app.get('/v1/nodes/:ident/states', { schema: { summary: "A node's power and provision states", tags } }, async (req) =>
    nodeStates(await nodes.getNode(identParam(req)), req.apiVersion),
  );

  app.put('/v1/nodes/:ident/states/power', { schema: { summary: 'Change the power state (202)', tags, body: nodeSchemas.power } }, async (req, reply) => {
    const body = objectBody(req);
    const raw = String(body.target ?? '');
    const known = findEntry('power', 'node', raw);
    if (known) refuseBelow(req, known, `The power target "${raw}"`);
    if (body.timeout !== undefined && body.timeout !== null) requireVersion(req, 'behaviour', 'node', 'power-timeout', 'A power change timeout');
    const target = POWER_TARGETS[raw];
    if (!target) throw invalid(`target: "${raw}" is not one of ${Object.keys(POWER_TARGETS).join(', ')}`, 'target');
    const timeout = timeoutArg(body.timeout);
    const wait = waitParam(req);
    const node = await manager.changePowerState(identParam(req), target, undefined, timeout);
    return acceptedAfterWait(req, reply, nodes, node, wait);
  });

  app.put('/v1/nodes/:ident/states/provision', { schema: { summary: 'Move a node through the provision state machine (202)', tags, body: nodeSchemas.provision } }, async (req, reply) => {
    const body = objectBody(req);
    const raw = String(body.target ?? '');
    const known = findEntry('provision', 'node', raw);
    if (known) refuseBelow(req, known, `The provision target "${raw}"`);
    if (known?.support === 'no') throw invalid(`target: the provision action "${raw}" is not supported by ironplan`, 'target');
    if (raw === 'unhold') {
      // No step of these drivers holds, so no node is ever in a hold state to leave (Ironic's answer outside one).
      const node = await nodes.getNode(identParam(req));
      throw new EngineError('InvalidState', `The requested action "unhold" can not be performed on a node in provision state "${node.provision_state}" (only from clean hold, deploy hold or service hold, which these drivers never enter).`);
    }
    const verb = PROVISION_TARGETS[raw];
    if (!verb) throw invalid(`target: "${raw}" is not a valid provision target (one of ${Object.keys(PROVISION_TARGETS).join(', ')})`, 'target');
    if (body.configdrive !== undefined && body.configdrive !== null) {
      if (verb === 'rebuild') requireVersion(req, 'behaviour', 'node', 'rebuild-configdrive', 'configdrive: a config drive with "rebuild"');
      if (verb !== 'deploy' && verb !== 'rebuild') throw invalid('configdrive: can only be given with the "active" or "rebuild" targets', 'configdrive');
    }
    if (verb === 'abort' && !versionHas(req, 'behaviour', 'node', 'abort-inspect-wait')) {
      // Aborting an inspection waiting for its agent came with 1.41; older versions get Ironic's 406.
      const node = await nodes.getNode(identParam(req));
      if (node.provision_state === 'inspect wait') requireVersion(req, 'behaviour', 'node', 'abort-inspect-wait', 'Aborting inspection');
    }
    if (body.deploy_steps !== undefined) checkDeploySteps(req, verb, body.deploy_steps);
    if (verb === 'clean') {
      if (!Array.isArray(body.clean_steps)) throw invalid('clean_steps: is required (a list of steps) when the target is "clean"', 'clean_steps');
    } else if (body.clean_steps !== undefined) throw invalid('clean_steps: can only be given with the "clean" target', 'clean_steps');
    const args: ProvisionArgs = { requested: raw, ...(body.configdrive != null ? { instance_info: { configdrive: body.configdrive } } : {}) };
    if (verb === 'clean') args.clean_steps = body.clean_steps as CleanStep[];
    if (body.disable_ramdisk !== undefined) {
      requireVersion(req, 'behaviour', 'node', 'disable-ramdisk', 'disable_ramdisk');
      if (verb !== 'clean' && verb !== 'service') throw invalid('disable_ramdisk: can only be given with the "clean" or "service" targets', 'disable_ramdisk');
      if (typeof body.disable_ramdisk !== 'boolean') throw invalid('disable_ramdisk: must be a boolean', 'disable_ramdisk');
      args.disable_ramdisk = body.disable_ramdisk;
      // Without steps a clean would fall back to the agent's sequence, which needs the ramdisk.
      const steps = verb === 'clean' ? body.clean_steps : body.service_steps;
      if (body.disable_ramdisk && (!Array.isArray(steps) || !steps.length)) throw invalid('disable_ramdisk: needs steps that run without the ramdisk', 'disable_ramdisk');
    }
    if (verb === 'service') {
      if (!Array.isArray(body.service_steps)) throw invalid('service_steps: is required (a list of steps) when the target is "service"', 'service_steps');
      args.service_steps = body.service_steps as CleanStep[];
    } else if (body.service_steps !== undefined) throw invalid('service_steps: can only be given with the "service" target', 'service_steps');
    if (verb === 'rescue') {
      const password = body.rescue_password;
      if (typeof password !== 'string' || !password.trim()) throw invalid('rescue_password: a non-empty "rescue_password" is required when setting target provision state to rescue', 'rescue_password');
      args.rescue_password = password;
    } else if (body.rescue_password !== undefined) throw invalid('rescue_password: is only valid when setting target provision state to rescue', 'rescue_password');
    const wait = waitParam(req);
    const node = await manager.provision(identParam(req), verb, args);
    return acceptedAfterWait(req, reply, nodes, node, wait);
  });

  app.get('/v1/nodes/:ident/management/boot_device', { schema: { summary: 'The boot device the BMC reports', tags } }, async (req) =>
    manager.getBootDevice(identParam(req)),
  );

  app.put('/v1/nodes/:ident/management/boot_device', { schema: { summary: 'Set the boot device (204)', tags, body: nodeSchemas.bootDevice } }, async (req, reply) => {
    const body = objectBody(req);
    const device = body.boot_device;
    if (typeof device !== 'string' || !BOOT_DEVICES.includes(device as BootDevice)) {
      throw invalid(`boot_device: "${String(device)}" is not one of ${BOOT_DEVICES.join(', ')}`, 'boot_device');
    }
    // persistent, when given, is a boolean: the route schema checked it.
    await manager.setBootDevice(identParam(req), device as BootDevice, body.persistent === true);
    return reply.code(204).send();
  });

  app.get('/v1/nodes/:ident/management/boot_device/supported', { schema: { summary: 'Boot devices the node supports', tags } }, async (req) => ({
    supported_boot_devices: await manager.getSupportedBootDevices(identParam(req)),
  }));

  app.get('/v1/nodes/:ident/validate', { schema: { summary: "Check each interface's configuration", tags } }, async (req) => {
    const ident = identParam(req);
    const report: Record<string, { result: boolean | null; reason: string | null }> = { ...(await manager.validate(ident)) };
    // Ironic lists every interface but vendor, at any version. The kinds ironplan has only as Ironic's
    // "none" implementations fail as those do (UnsupportedDriverExtension); no-op network and storage pass.
    const node = await nodes.getNode(ident);
    const unsupported = (kind: string) => ({ result: false, reason: `Driver ${node.driver} does not support ${kind} (disabled or not implemented).` });
    for (const kind of ['bios', 'console', 'raid'] as const) report[kind] = unsupported(kind);
    report.rescue = rescueInterface(node) === 'no-rescue' ? unsupported('rescue') : { result: true, reason: null };
    report.network = { result: true, reason: null };
    report.storage = { result: true, reason: null };
    return Object.fromEntries(Object.keys(report).sort().map((k) => [k, report[k]]));
  });

  app.put('/v1/nodes/:ident/maintenance', { schema: { summary: 'Put a node in maintenance (202)', tags, body: nodeSchemas.maintenance } }, async (req, reply) => {
    // reason, when given, is a string or null: the route schema checked it.
    const node = await manager.setMaintenance(identParam(req), true, (objectBody(req).reason as string | null | undefined) ?? null);
    return accepted(req, reply, node.uuid);
  });

  app.delete('/v1/nodes/:ident/maintenance', { schema: { summary: 'Take a node out of maintenance (202)', tags } }, async (req, reply) => {
    const node = await manager.setMaintenance(identParam(req), false, null);
    return accepted(req, reply, node.uuid);
  });

  app.get('/v1/nodes/:ident/vendor_passthru/methods', { schema: { summary: "The node's vendor passthru methods", tags } }, async (req) => {
    const methods = await manager.vendorMethods(identParam(req));
    return Object.fromEntries(Object.entries(methods).map(([k, m]) => [k, { ...m, attach: false }]));
  });

  const passthru = async (req: FastifyRequest, reply: FastifyReply) => {
    const method = (req.params as { method?: string }).method ?? param(req, 'method');
    if (!method) throw invalid('method: is required (?method=name)', 'method');
    const res = await manager.vendorPassthru(identParam(req), method, req.method, req.body ?? null);
    if (res.async) return reply.code(202).send();
    return reply.code(200).type('application/json').send(JSON.stringify(res.result ?? null));
  };
  const passthruMethods: Array<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'> = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  const passthruSummary = 'Call a vendor passthru method; ironplan neither stores nor inspects the messages';
  app.route({ method: passthruMethods, url: '/v1/nodes/:ident/vendor_passthru', schema: { summary: `${passthruSummary} (?method=name)`, tags }, handler: passthru });
  // The path form is what python-ironicclient sends; Ironic routes both.
  app.route({ method: passthruMethods, url: '/v1/nodes/:ident/vendor_passthru/:method', schema: { summary: passthruSummary, tags }, handler: passthru });

  // Traits (1.37): the node's list, replaced whole or one trait at a time.
  const traitsOf = async (req: FastifyRequest) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/traits', 'Node traits');
    return nodes.getNode(identParam(req));
  };
  const checkTrait = (t: unknown): string => {
    if (typeof t !== 'string' || !isTrait(t)) throw invalid(`traits: ${JSON.stringify(t)} is not a valid trait (a standard trait or CUSTOM_[A-Z0-9_]+, at most 255 characters)`, 'traits');
    return t;
  };

  app.get('/v1/nodes/:ident/traits', { schema: { summary: "A node's traits", tags } }, async (req) => ({ traits: (await traitsOf(req)).traits }));

  app.put('/v1/nodes/:ident/traits', { schema: { summary: "Replace a node's traits (204)", tags, body: nodeSchemas.traits } }, async (req, reply) => {
    const node = await traitsOf(req);
    const traits = objectBody(req).traits;
    if (!Array.isArray(traits)) throw invalid('traits: a list is required', 'traits');
    await manager.updateNode(node.uuid, { traits: traits.map(checkTrait) });
    return reply.code(204).send();
  });

  app.put('/v1/nodes/:ident/traits/:trait', { schema: { summary: 'Add one trait (204)', tags } }, async (req, reply) => {
    const node = await traitsOf(req);
    const trait = checkTrait(identParam(req, 'trait'));
    if (!node.traits.includes(trait)) await manager.updateNode(node.uuid, { traits: [...node.traits, trait] });
    return reply.code(204).send();
  });

  app.delete('/v1/nodes/:ident/traits/:trait', { schema: { summary: 'Remove one trait (204)', tags } }, async (req, reply) => {
    const node = await traitsOf(req);
    const trait = identParam(req, 'trait');
    if (!node.traits.includes(trait)) throw new EngineError('NotFound', `Node ${node.uuid} doesn't have a trait ${trait}`);
    await manager.updateNode(node.uuid, { traits: node.traits.filter((t) => t !== trait) });
    return reply.code(204).send();
  });

  app.delete('/v1/nodes/:ident/traits', { schema: { summary: 'Remove every trait (204)', tags } }, async (req, reply) => {
    const node = await traitsOf(req);
    await manager.updateNode(node.uuid, { traits: [] });
    return reply.code(204).send();
  });
}
