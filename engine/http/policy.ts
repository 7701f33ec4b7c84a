// Who may call what, as Ironic's default policy (ironic/common/policy.py, "Node Multi-Tenancy"): one
// table of rules, checked in one hook before any handler runs. A system token (no project) keeps today's
// meaning: an admin may do anything, a reader may read anything. A project token sees only the nodes its
// project owns or leases: any other node is a 404, as if it did not exist, so a project cannot learn of
// other projects' nodes; on its own nodes it may do what its role and its relation (owner or lessee) allow,
// else 403. Resources without a node (chassis, drivers, conductors, templates, specs, events) are the
// system's.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { Role } from '../generated/tokens.js';
import { EngineError } from '../errors.js';
import { getAllocation } from '../store/allocations.js';
import { getPortgroup } from '../store/portgroups.js';
import { identParam, objectBody, param, pathOf, type HttpContext, type Query } from './context.js';
import { SYSTEM_ADMIN, type Caller } from './auth.js';
import { parsePointer } from './jsonpatch.js';

/** Ironic's roles imply the weaker ones (admin > manager > member > reader). */
const RANK: Record<Role, number> = { reader: 0, member: 1, manager: 2, admin: 3 };

export interface Rule {
  /** Ironic's policy name (for the documentation and the 403 message). */
  policy: string;
  /** The least system role that may (system tokens know admin and reader). */
  system: 'admin' | 'reader';
  /** The least role a token of the node's owner project needs; absent: owners may not. */
  owner?: Role;
  /** The least role a token of the node's lessee project needs; absent: lessees may not. */
  lessee?: Role;
}

/** Ironic's composite check strings, in our terms (Ironic's system member is our system admin). */
const SYSTEM_ADMIN_ONLY = { system: 'admin' } as const;
const SYSTEM_READER = { system: 'reader' } as const;
const PROJECT_READER = { system: 'reader', owner: 'reader', lessee: 'reader' } as const;
const OWNER_READER = { system: 'reader', owner: 'reader' } as const;
const PROJECT_MEMBER = { system: 'admin', owner: 'member', lessee: 'member' } as const;
const OWNER_MEMBER = { system: 'admin', owner: 'member' } as const;
const OWNER_MEMBER_LESSEE_ADMIN = { system: 'admin', owner: 'member', lessee: 'manager' } as const;
const OWNER_ADMIN = { system: 'admin', owner: 'manager' } as const;
/** Reads Ironic gives only to system members and owner admins: system readers keep reading them. */
const OWNER_ADMIN_READ = { system: 'reader', owner: 'manager' } as const;

/** How a route names the node its rule is checked against. */
export type Target =
  | 'node' // :ident is a node (uuid or name)
  | 'port' // :ident is a port: its node
  | 'portgroup' // :ident is a port group: its node
  | 'allocation' // :ident is an allocation: its owner project (the allocation's, not a node's)
  | 'body-node' // the body's node_uuid (creating a port or port group)
  | 'list' // a collection: project tokens get only their nodes' members (and a ?node must be theirs)
  | 'allocations' // the allocations collection: a project's own (?owner forced to it)
  | 'new-allocation' // creating an allocation: owned by the caller's project
  | 'any'; // any valid token (whoami)

export interface RouteRule extends Rule {
  target?: Target;
}

const r = (policy: string, rule: Omit<Rule, 'policy'>, target?: Target): RouteRule => ({ policy, ...rule, target });

/**
 * The table: `METHOD /route` (fastify's route URL) -> who. Routes not here are the system's: a system
 * reader may GET them (and call a route marked readOnly), a system admin anything (DEFAULT_RULE).
 */
export const POLICY: Record<string, RouteRule> = {
  'GET /v1/auth/whoami': r('ironplan:whoami', PROJECT_READER, 'any'),
  'GET /v1/nodes': r('baremetal:node:list', PROJECT_READER, 'list'),
  'GET /v1/nodes/detail': r('baremetal:node:list', PROJECT_READER, 'list'),
  'POST /v1/nodes': r('baremetal:node:create', SYSTEM_ADMIN_ONLY),
  'GET /v1/nodes/:ident': r('baremetal:node:get', PROJECT_READER, 'node'),
  // PATCH is checked per field too (PATCH_RULES); this is the rule for fields without one of their own.
  'PATCH /v1/nodes/:ident': r('baremetal:node:update', PROJECT_MEMBER, 'node'),
  'DELETE /v1/nodes/:ident': r('baremetal:node:delete', SYSTEM_ADMIN_ONLY, 'node'),
  'GET /v1/nodes/:ident/validate': r('baremetal:node:validate', { ...OWNER_MEMBER_LESSEE_ADMIN, system: 'reader' }, 'node'),
  'PUT /v1/nodes/:ident/maintenance': r('baremetal:node:set_maintenance', OWNER_MEMBER_LESSEE_ADMIN, 'node'),
  'DELETE /v1/nodes/:ident/maintenance': r('baremetal:node:clear_maintenance', OWNER_MEMBER_LESSEE_ADMIN, 'node'),
  'GET /v1/nodes/:ident/management/boot_device': r('baremetal:node:get_boot_device', OWNER_ADMIN_READ, 'node'),
  'GET /v1/nodes/:ident/management/boot_device/supported': r('baremetal:node:get_boot_device', OWNER_ADMIN_READ, 'node'),
  'PUT /v1/nodes/:ident/management/boot_device': r('baremetal:node:set_boot_device', OWNER_ADMIN, 'node'),
  'PUT /v1/nodes/:ident/management/inject_nmi': r('baremetal:node:inject_nmi', OWNER_ADMIN, 'node'),
  'GET /v1/nodes/:ident/management/indicators': r('baremetal:node:get_indicator_state', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/states': r('baremetal:node:get_states', PROJECT_READER, 'node'),
  'PUT /v1/nodes/:ident/states/power': r('baremetal:node:set_power_state', PROJECT_MEMBER, 'node'),
  'PUT /v1/nodes/:ident/states/boot_mode': r('baremetal:node:set_boot_mode', PROJECT_MEMBER, 'node'),
  'PUT /v1/nodes/:ident/states/secure_boot': r('baremetal:node:set_secure_boot', PROJECT_MEMBER, 'node'),
  'PUT /v1/nodes/:ident/states/provision': r('baremetal:node:set_provision_state', OWNER_MEMBER_LESSEE_ADMIN, 'node'),
  'PUT /v1/nodes/:ident/states/raid': r('baremetal:node:set_raid_state', OWNER_MEMBER, 'node'),
  'GET /v1/nodes/:ident/states/console': r('baremetal:node:get_console', { ...OWNER_MEMBER, system: 'reader' }, 'node'),
  'PUT /v1/nodes/:ident/states/console': r('baremetal:node:set_console_state', OWNER_MEMBER, 'node'),
  'GET /v1/nodes/:ident/vifs': r('baremetal:node:vif:list', PROJECT_READER, 'node'),
  'POST /v1/nodes/:ident/vifs': r('baremetal:node:vif:attach', OWNER_MEMBER_LESSEE_ADMIN, 'node'),
  'DELETE /v1/nodes/:ident/vifs/:vif': r('baremetal:node:vif:detach', OWNER_MEMBER_LESSEE_ADMIN, 'node'),
  'POST /v1/nodes/:ident/vmedia': r('baremetal:node:vmedia:attach', OWNER_MEMBER_LESSEE_ADMIN, 'node'),
  'DELETE /v1/nodes/:ident/vmedia': r('baremetal:node:vmedia:detach', OWNER_MEMBER_LESSEE_ADMIN, 'node'),
  'GET /v1/nodes/:ident/traits': r('baremetal:node:traits:list', PROJECT_READER, 'node'),
  'PUT /v1/nodes/:ident/traits': r('baremetal:node:traits:set', OWNER_ADMIN, 'node'),
  'PUT /v1/nodes/:ident/traits/:trait': r('baremetal:node:traits:set', OWNER_ADMIN, 'node'),
  'DELETE /v1/nodes/:ident/traits': r('baremetal:node:traits:delete', OWNER_ADMIN, 'node'),
  'DELETE /v1/nodes/:ident/traits/:trait': r('baremetal:node:traits:delete', OWNER_ADMIN, 'node'),
  'GET /v1/nodes/:ident/bios': r('baremetal:node:bios:get', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/bios/:setting': r('baremetal:node:bios:get', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/firmware': r('baremetal:node:firmware:get', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/history': r('baremetal:node:history:get', OWNER_READER, 'node'),
  'GET /v1/nodes/:ident/history/:event': r('baremetal:node:history:get', OWNER_READER, 'node'),
  'GET /v1/nodes/:ident/children': r('baremetal:node:get', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/ports': r('baremetal:port:list', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/ports/detail': r('baremetal:port:list', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/portgroups': r('baremetal:portgroup:list', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/portgroups/detail': r('baremetal:portgroup:list', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/allocation': r('baremetal:allocation:get', PROJECT_READER, 'node'),
  'DELETE /v1/nodes/:ident/allocation': r('baremetal:allocation:delete', PROJECT_MEMBER, 'node'),
  'GET /v1/ports': r('baremetal:port:list', PROJECT_READER, 'list'),
  'GET /v1/ports/detail': r('baremetal:port:list', PROJECT_READER, 'list'),
  'GET /v1/ports/:ident': r('baremetal:port:get', PROJECT_READER, 'port'),
  'POST /v1/ports': r('baremetal:port:create', OWNER_ADMIN, 'body-node'),
  'PATCH /v1/ports/:ident': r('baremetal:port:update', OWNER_ADMIN, 'port'),
  'DELETE /v1/ports/:ident': r('baremetal:port:delete', OWNER_ADMIN, 'port'),
  'GET /v1/portgroups': r('baremetal:portgroup:list', PROJECT_READER, 'list'),
  'GET /v1/portgroups/detail': r('baremetal:portgroup:list', PROJECT_READER, 'list'),
  'GET /v1/portgroups/:ident': r('baremetal:portgroup:get', PROJECT_READER, 'portgroup'),
  'GET /v1/portgroups/:ident/ports': r('baremetal:port:list', PROJECT_READER, 'portgroup'),
  'GET /v1/portgroups/:ident/ports/detail': r('baremetal:port:list', PROJECT_READER, 'portgroup'),
  'POST /v1/portgroups': r('baremetal:portgroup:create', OWNER_ADMIN, 'body-node'),
  'PATCH /v1/portgroups/:ident': r('baremetal:portgroup:update', OWNER_ADMIN, 'portgroup'),
  'DELETE /v1/portgroups/:ident': r('baremetal:portgroup:delete', OWNER_ADMIN, 'portgroup'),
  // An allocation's project is its owner: owner-relation rules below stand for "the allocation's owner".
  'GET /v1/allocations': r('baremetal:allocation:list', OWNER_READER, 'allocations'),
  'GET /v1/allocations/:ident': r('baremetal:allocation:get', OWNER_READER, 'allocation'),
  'POST /v1/allocations': r('baremetal:allocation:create', OWNER_MEMBER, 'new-allocation'),
  'PATCH /v1/allocations/:ident': r('baremetal:allocation:update', OWNER_MEMBER, 'allocation'),
  'DELETE /v1/allocations/:ident': r('baremetal:allocation:delete', OWNER_MEMBER, 'allocation'),
};

/** Node fields a PATCH may change only under a rule of their own (Ironic's baremetal:node:update:*). */
export const PATCH_RULES: Record<string, Rule> = {
  instance_info: { policy: 'baremetal:node:update_instance_info', ...OWNER_MEMBER_LESSEE_ADMIN },
  extra: { policy: 'baremetal:node:update_extra', ...PROJECT_MEMBER },
  driver_info: { policy: 'baremetal:node:update:driver_info', ...OWNER_MEMBER },
  properties: { policy: 'baremetal:node:update:properties', ...OWNER_MEMBER },
  chassis_uuid: { policy: 'baremetal:node:update:chassis_uuid', ...SYSTEM_ADMIN_ONLY },
  instance_uuid: { policy: 'baremetal:node:update:instance_uuid', ...OWNER_MEMBER },
  lessee: { policy: 'baremetal:node:update:lessee', ...OWNER_MEMBER },
  owner: { policy: 'baremetal:node:update:owner', ...SYSTEM_ADMIN_ONLY },
  driver: { policy: 'baremetal:node:update:driver_interfaces', ...OWNER_ADMIN },
  network_data: { policy: 'baremetal:node:update:network_data', ...OWNER_MEMBER },
  conductor_group: { policy: 'baremetal:node:update:conductor_group', ...SYSTEM_ADMIN_ONLY },
  name: { policy: 'baremetal:node:update:name', ...OWNER_MEMBER },
  retired: { policy: 'baremetal:node:update:retired', ...OWNER_MEMBER },
  retired_reason: { policy: 'baremetal:node:update:retired', ...OWNER_MEMBER },
  shard: { policy: 'baremetal:node:update:shard', ...SYSTEM_ADMIN_ONLY },
};
/** Any *_interface field: Ironic's baremetal:node:update:driver_interfaces. */
const INTERFACE_RULE = PATCH_RULES.driver!;

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const DEFAULT_READ: RouteRule = r('ironplan:system:read', SYSTEM_READER);
const DEFAULT_WRITE: RouteRule = r('ironplan:system:write', SYSTEM_ADMIN_ONLY);

/** The rule of a request's route (HEAD follows GET). */
export function ruleOf(req: FastifyRequest): RouteRule {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const rule = POLICY[`${method} ${req.routeOptions.url}`];
  if (rule) return rule;
  // A route marked readOnly changes nothing although it is a POST (a dry-run plan): readers may call it.
  return READ_METHODS.has(req.method) || req.routeOptions.config.readOnly ? DEFAULT_READ : DEFAULT_WRITE;
}

/** The caller's standing toward a node: the strongest of its relations. */
function projectAllows(rule: Rule, caller: Caller, owner: string | null | undefined, lessee: string | null | undefined): boolean {
  const rank = RANK[caller.role];
  if (owner === caller.project && rule.owner !== undefined && rank >= RANK[rule.owner]) return true;
  return lessee === caller.project && rule.lessee !== undefined && rank >= RANK[rule.lessee];
}

export function allows(rule: Rule, caller: Caller, node?: Pick<NodeRecord, 'owner' | 'lessee'>): boolean {
  if (caller.project === null) return caller.role === 'admin' || rule.system === 'reader';
  return node !== undefined && projectAllows(rule, caller, node.owner, node.lessee);
}

/** Whether a project token may see the node at all (owner or lessee): else it is a 404. */
export function visible(caller: Caller, node: Pick<NodeRecord, 'owner' | 'lessee'>): boolean {
  return caller.project === null || node.owner === caller.project || node.lessee === caller.project;
}

function denied(caller: Caller, rule: Rule, req: FastifyRequest): EngineError {
  const who = caller.project === null ? `the ${caller.role} role` : `the ${caller.role} role of project ${caller.project}`;
  return new EngineError('Forbidden', `Access was denied: ${who} may not ${req.method} ${pathOf(req.url)} (${rule.policy}).`);
}

/** The rules a node PATCH must pass: one per field it touches (Ironic's _authorize_patch_and_get_node). */
export function patchRules(body: unknown): Rule[] {
  const ops = Array.isArray(body) ? (body as Array<{ path?: unknown }>) : [];
  const out: Rule[] = [];
  for (const op of ops) {
    const top = typeof op?.path === 'string' ? (parsePointer(op.path)[0] ?? '') : '';
    const rule = PATCH_RULES[top] ?? (top.endsWith('_interface') ? INTERFACE_RULE : undefined);
    if (rule) out.push(rule);
  }
  return out;
}

/**
 * Registers the one check: before validation (a caller who may not call a route learns nothing of its
 * body's faults), the request's rule against the caller and the node the route names, read once.
 */
export function registerPolicy(app: FastifyInstance, ctx: HttpContext): void {
  const { nodes, store } = ctx.engine;
  const notFound = (what: string, ident: string) => new EngineError('NotFound', `${what} ${ident} could not be found.`);

  /** The node a project may see, or a 404 naming what the route named. */
  const visibleNode = async (caller: Caller, uuidOrName: string, what: string, ident: string): Promise<NodeRecord> => {
    const node = await nodes.getNode(uuidOrName).catch((err: unknown) => {
      throw err instanceof EngineError && err.code === 'NotFound' ? notFound(what, ident) : err;
    });
    if (!visible(caller, node)) throw notFound(what, ident);
    return node;
  };

  app.addHook('preValidation', async (req) => {
    const caller = req.caller;
    if (!caller || !req.routeOptions.url) return; // open paths, or no auth: everyone is a system admin
    const rule = ruleOf(req);
    if (caller.project === null) {
      if (!allows(rule, caller)) throw denied(caller, rule, req);
      return;
    }
    const ident = identParam(req);
    let node: NodeRecord | undefined;
    switch (rule.target) {
      case 'any':
        return;
      case 'node':
        node = await visibleNode(caller, ident, 'Node', ident);
        break;
      case 'port': {
        const port = await nodes.getPort(ident);
        node = await visibleNode(caller, port.node_uuid, 'Port', ident);
        break;
      }
      case 'portgroup': {
        const pg = await getPortgroup(store.db, ident);
        node = await visibleNode(caller, pg.node_uuid, 'Portgroup', ident);
        break;
      }
      case 'body-node': {
        const named = objectBody(req).node_uuid;
        if (typeof named !== 'string') throw denied(caller, rule, req);
        node = await visibleNode(caller, named, 'Node', named);
        break;
      }
      case 'list': {
        const named = param(req, 'node') ?? param(req, 'node_uuid');
        if (named !== undefined) await visibleNode(caller, named, 'Node', named);
        if (!allows(rule, caller, { owner: caller.project, lessee: caller.project })) throw denied(caller, rule, req);
        askTie(req);
        return; // the members of other projects' nodes are filtered out of the answer (registerListFilter)
      }
      case 'allocations': {
        const asked = param(req, 'owner');
        if (asked !== undefined && asked !== caller.project) throw denied(caller, rule, req);
        (req.query as Query).owner = caller.project;
        node = { owner: caller.project, lessee: null } as NodeRecord;
        break;
      }
      case 'allocation': {
        const a = await getAllocation(store.db, ident);
        if (a.owner !== caller.project) throw notFound('Allocation', ident);
        node = { owner: a.owner, lessee: null } as NodeRecord;
        break;
      }
      case 'new-allocation': {
        const body = objectBody(req);
        if (body.owner != null && body.owner !== caller.project) throw denied(caller, rule, req);
        // A project's allocation is its own, and so gets only its nodes (the manager's owner filter).
        req.body = { ...body, owner: caller.project };
        node = { owner: caller.project, lessee: null } as NodeRecord;
        break;
      }
      default:
        throw denied(caller, rule, req); // the system's resources
    }
    if (!allows(rule, caller, node)) throw denied(caller, rule, req);
    if (req.method === 'PATCH' && rule.target === 'node') {
      for (const fieldRule of patchRules(req.body)) if (!allows(fieldRule, caller, node)) throw denied(caller, fieldRule, req);
    }
    req.policyNode = node;
  });
  registerAnswerFilter(app, ctx);
}

/** What Ironic shows in place of a node field its policy hides from a lessee (node_sanitize). */
export const LESSEE_MASKED: Record<string, unknown> = {
  driver_info: { content: '** Redacted - requires baremetal:node:get:driver_info permission. **' },
  driver_internal_info: { content: '** Redacted - Requires baremetal:node:get:driver_internal_info permission. **' },
  last_error: '** Value Redacted - Requires baremetal:node:get:last_error permission. **',
  reservation: '** Redacted - requires baremetal:node:get:reservation permission. **',
};

/** A node representation as a project token may see it: what only owners may read masked for others. */
export function maskForProject(view: Record<string, unknown>, project: string, owner: string | null | undefined): Record<string, unknown> {
  if (owner === project) return view;
  const out = { ...view };
  for (const [k, v] of Object.entries(LESSEE_MASKED)) if (k in out) out[k] = v;
  return out;
}

const NODE_ANSWERS = new Set(['GET /v1/nodes/:ident', 'PATCH /v1/nodes/:ident']);
/** The collections a project gets cut or masked: their key, and the member field that ties one to a node. */
const LISTS: Record<string, { kind: 'nodes' | 'ports' | 'portgroups'; tie: 'uuid' | 'node_uuid' }> = {
  '/v1/nodes': { kind: 'nodes', tie: 'uuid' },
  '/v1/nodes/detail': { kind: 'nodes', tie: 'uuid' },
  '/v1/ports': { kind: 'ports', tie: 'node_uuid' },
  '/v1/ports/detail': { kind: 'ports', tie: 'node_uuid' },
  '/v1/portgroups': { kind: 'portgroups', tie: 'node_uuid' },
  '/v1/portgroups/detail': { kind: 'portgroups', tie: 'node_uuid' },
};

/** A ?fields without the tying field gets it (so members can be told apart), removed again from the answer. */
function askTie(req: FastifyRequest): void {
  const list = LISTS[req.routeOptions.url!];
  const fields = param(req, 'fields');
  if (!list || fields === undefined || fields.split(',').includes(list.tie)) return;
  (req.query as Query).fields = `${fields},${list.tie}`;
  req.policyAddedField = list.tie;
}

/**
 * The answers a project token gets: nodes masked as their relation asks, and the port and port group
 * collections cut to its nodes' members (the node list itself is filtered by the store: nodes.ts).
 */
function registerAnswerFilter(app: FastifyInstance, ctx: HttpContext): void {
  const { nodes } = ctx.engine;
  app.addHook('preSerialization', async (req, _reply, payload: unknown) => {
    const project = req.caller?.project;
    if (!project || !req.routeOptions.url || payload === null || typeof payload !== 'object') return payload;
    const body = payload as Record<string, unknown>;
    if (NODE_ANSWERS.has(`${req.method} ${req.routeOptions.url}`)) return maskForProject(body, project, req.policyNode?.owner);
    const list = req.method === 'GET' ? LISTS[req.routeOptions.url] : undefined;
    if (!list || !Array.isArray(body[list.kind])) return payload;
    // The project's nodes, read once: their owners decide the masking, their uuids the members kept.
    const mine = new Map((await nodes.listNodes({ project })).map((n) => [n.uuid, n]));
    const added = req.policyAddedField;
    const out: Array<Record<string, unknown>> = [];
    for (const item of body[list.kind] as Array<Record<string, unknown>>) {
      const node = mine.get(item[list.tie] as string);
      if (!node) continue;
      const shown = list.kind === 'nodes' ? maskForProject(item, project, node.owner) : { ...item };
      if (added) delete shown[added];
      out.push(shown);
    }
    return { ...body, [list.kind]: out };
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The node the policy check read for a project token (its owner and lessee decide the masking). */
    policyNode?: NodeRecord;
    /** The field the policy added to a ?fields to tell a project's members (removed from the answer). */
    policyAddedField?: string;
  }
}
