// The policy's rules, as Ironic's defaults (ironic/common/policy.py): which caller may call which route,
// by its scope (system or project), its role, and its project's relation to the node (owner or lessee).
// policy.ts checks them; renderPolicyTable() writes them into engine/http/README.md.
import type { FastifyRequest } from 'fastify';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { Role } from '../generated/tokens.js';
import type { Caller } from './auth.js';
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
  'GET /v1/nodes/:ident/inventory': r('baremetal:node:inventory:get', OWNER_READER, 'node'),
  'GET /v1/nodes/:ident/volume': r('baremetal:volume:get', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/volume/connectors': r('baremetal:volume:get', PROJECT_READER, 'node'),
  'GET /v1/nodes/:ident/volume/targets': r('baremetal:volume:get', PROJECT_READER, 'node'),
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

/** The rules a node PATCH must pass: one per field it touches (Ironic's _authorize_patch_and_get_node). */
export function patchRules(body: unknown): Rule[] {
  const ops = Array.isArray(body) ? (body as Array<{ op?: unknown; path?: unknown; from?: unknown }>) : [];
  const out: Rule[] = [];
  // A move changes the field it takes from as well as the one it writes.
  const paths = ops.flatMap((op) => [op?.path, op?.op === 'move' ? op.from : undefined]);
  for (const path of paths) {
    const top = typeof path === 'string' ? (parsePointer(path)[0] ?? '') : '';
    const rule = PATCH_RULES[top] ?? (top.endsWith('_interface') ? INTERFACE_RULE : undefined);
    if (rule) out.push(rule);
  }
  return out;
}


export const BEGIN = '<!-- policy-table:begin (generated from engine/http/policy-rules.ts by `node scripts/gen-policy-doc.mjs`: do not edit) -->';
export const END = '<!-- policy-table:end -->';

/** Who a rule lets in, in words: the least role of each scope, or a dash. */
function whoCells(rule: Rule): string[] {
  const least = (role: Role | undefined) => (role ? `${role}+` : '—');
  return [rule.system === 'admin' ? 'admin' : 'reader+', least(rule.owner), least(rule.lessee)];
}

/** The table of engine/http/README.md: every route rule, the PATCH field rules, and the default. */
export function renderPolicyTable(): string {
  const rows = ['| Route | Ironic policy | System | Owner project | Lessee project |', '| --- | --- | --- | --- | --- |'];
  const row = (route: string, rule: Rule) => rows.push(`| \`${route}\` | \`${rule.policy}\` | ${whoCells(rule).join(' | ')} |`);
  for (const [route, rule] of Object.entries(POLICY)) row(route, rule);
  for (const [field, rule] of Object.entries(PATCH_RULES)) row(`PATCH /v1/nodes/:ident  /${field}`, rule);
  row('PATCH /v1/nodes/:ident  /*_interface', INTERFACE_RULE);
  row('GET (any other route)', DEFAULT_READ);
  row('POST, PUT, PATCH, DELETE (any other route)', DEFAULT_WRITE);
  return [BEGIN, '', ...rows, '', END].join('\n');
}

/** The README with its policy table replaced by the current one. */
export function withPolicyTable(readme: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error('engine/http/README.md has no policy-table markers');
  return readme.slice(0, begin) + renderPolicyTable() + readme.slice(end + END.length);
}
