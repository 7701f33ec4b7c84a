// Who may call what, as Ironic's default policy (ironic/common/policy.py, "Node Multi-Tenancy"): one
// table of rules, checked in one hook before any handler runs. A system token (no project) keeps today's
// meaning: an admin may do anything, a reader may read anything. A project token sees only the nodes its
// project owns or leases: any other node is a 404, as if it did not exist, so a project cannot learn of
// other projects' nodes; on its own nodes it may do what its role and its relation (owner or lessee) allow,
// else 403. Resources without a node (chassis, drivers, conductors, templates, specs, events) are the
// system's.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { EngineError, notFound } from '../errors.js';
import { getAllocation, listAllocations } from '../store/allocations.js';
import { getPortgroup } from '../store/portgroups.js';
import { identParam, objectBody, param, pathOf, type HttpContext, type Query } from './context.js';
import type { Caller } from './auth.js';
import { allows, patchRules, ruleOf, visible, type Rule } from './policy-rules.js';
import { versionHas } from './version.js';

/**
 * The routes that answer a node named in their body or query, and not found, with a 400 (the others: 404).
 * A node of another project is answered the same, so that a project cannot tell it from one that is not.
 */
const NAMED_NODE_400 = new Set(['POST /v1/portgroups', 'PATCH /v1/portgroups/:ident', 'POST /v1/allocations', 'GET /v1/allocations']);

function denied(caller: Caller, rule: Rule, req: FastifyRequest): EngineError {
  const who = caller.project === null ? `the ${caller.role} role` : `the ${caller.role} role of project ${caller.project}`;
  return new EngineError('Forbidden', `Access was denied: ${who} may not ${req.method} ${pathOf(req.url)} (${rule.policy}).`);
}

/**
 * Registers the one check: before validation (a caller who may not call a route learns nothing of its
 * body's faults), the request's rule against the caller and the node the route names, read once.
 */
export function registerPolicy(app: FastifyInstance, ctx: HttpContext): void {
  const { nodes, store } = ctx.engine;

  /** The node a project may see, or a 404 naming what the route named. */
  const visibleNode = async (caller: Caller, uuidOrName: string, what: string, ident: string): Promise<NodeRecord> => {
    const node = await nodes.getNode(uuidOrName).catch((err: unknown) => {
      throw err instanceof EngineError && err.code === 'NotFound' ? notFound(what, ident) : err;
    });
    if (!visible(caller, node)) throw notFound(what, ident);
    return node;
  };
  /** A node named in the body or query: as the route answers one that does not exist (404 or 400). */
  const namedNode = (caller: Caller, req: FastifyRequest, ident: string): Promise<NodeRecord> =>
    visibleNode(caller, ident, 'Node', ident).catch((err: unknown) => {
      const as400 = err instanceof EngineError && err.code === 'NotFound' && NAMED_NODE_400.has(`${req.method} ${req.routeOptions.url}`);
      throw as400 ? new EngineError('InvalidParameter', err.message) : err;
    });

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
        node = await namedNode(caller, req, named);
        break;
      }
      case 'list': {
        const named = param(req, 'node') ?? param(req, 'node_uuid');
        if (named !== undefined) await namedNode(caller, req, named);
        if (!allows(rule, caller, { owner: caller.project, lessee: caller.project })) throw denied(caller, rule, req);
        askTie(req);
        return; // the members of other projects' nodes are filtered out of the answer (registerAnswerFilter)
      }
      case 'allocations': {
        const asked = param(req, 'owner');
        if (asked !== undefined && asked !== caller.project) throw denied(caller, rule, req);
        const named = param(req, 'node');
        if (named !== undefined) await namedNode(caller, req, named);
        // From 1.60 the store filters by owner (whole pages); before it the answer is cut (registerAnswerFilter).
        if (versionHas(req, 'field', 'allocation', 'owner')) (req.query as Query).owner = caller.project;
        askTie(req);
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
    // Nodes the body names besides: a port moved to a node, an allocation's node or candidates. They must be
    // the project's too (404 otherwise, as any other node), and a port may only move where it may be made.
    for (const named of otherNodes(req, rule.target)) {
      const other = await namedNode(caller, req, named);
      if (rule.target !== 'new-allocation' && !allows(rule, caller, other)) throw denied(caller, rule, req);
    }
    req.policyNode = node;
  });
  registerAnswerFilter(app, ctx);
}

/** The nodes a request's body names beside the one its route names (a PATCH's /node_uuid, an allocation's). */
function otherNodes(req: FastifyRequest, target: string | undefined): string[] {
  if (target === 'new-allocation') {
    const body = req.body as { node?: unknown; candidate_nodes?: unknown };
    const named = [body.node, ...(Array.isArray(body.candidate_nodes) ? body.candidate_nodes : [])];
    return named.filter((n): n is string => typeof n === 'string');
  }
  if (req.method !== 'PATCH' || (target !== 'port' && target !== 'portgroup') || !Array.isArray(req.body)) return [];
  const ops = req.body as Array<{ path?: unknown; value?: unknown }>;
  return ops.filter((op) => op?.path === '/node_uuid' && typeof op.value === 'string').map((op) => op.value as string);
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
/**
 * The collections a project gets cut or masked: their key, and the member field that ties one to what the
 * project has (a node of its own, or for allocations an allocation of its own).
 */
const LISTS: Record<string, { kind: 'nodes' | 'ports' | 'portgroups' | 'allocations'; tie: 'uuid' | 'node_uuid' }> = {
  '/v1/nodes': { kind: 'nodes', tie: 'uuid' },
  '/v1/nodes/detail': { kind: 'nodes', tie: 'uuid' },
  '/v1/ports': { kind: 'ports', tie: 'node_uuid' },
  '/v1/ports/detail': { kind: 'ports', tie: 'node_uuid' },
  '/v1/portgroups': { kind: 'portgroups', tie: 'node_uuid' },
  '/v1/portgroups/detail': { kind: 'portgroups', tie: 'node_uuid' },
  '/v1/allocations': { kind: 'allocations', tie: 'uuid' },
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
 * The answers a project token gets: nodes masked as their relation asks, the port and port group
 * collections cut to its nodes' members, allocations to its own (the node list itself is filtered by the
 * store: nodes.ts).
 */
function registerAnswerFilter(app: FastifyInstance, ctx: HttpContext): void {
  const { nodes, store } = ctx.engine;
  /** What the project has, by uuid, with its owner (which decides a node's masking). */
  const ownedBy = async (project: string, kind: string): Promise<Map<string, string | null>> => {
    const owned = kind === 'allocations' ? await listAllocations(store.db, { owner: project }) : await nodes.listNodes({ project });
    return new Map(owned.map((x) => [x.uuid, x.owner ?? null]));
  };
  app.addHook('preSerialization', async (req, _reply, payload: unknown) => {
    const project = req.caller?.project;
    if (!project || !req.routeOptions.url || payload === null || typeof payload !== 'object') return payload;
    const body = payload as Record<string, unknown>;
    if (NODE_ANSWERS.has(`${req.method} ${req.routeOptions.url}`)) return maskForProject(body, project, req.policyNode?.owner);
    const list = req.method === 'GET' ? LISTS[req.routeOptions.url] : undefined;
    if (!list || !Array.isArray(body[list.kind])) return payload;
    const items = body[list.kind] as Array<Record<string, unknown>>;
    // The store filtered the nodes already: when each shows its owner, that is all the masking needs.
    if (list.kind === 'nodes' && items.every((n) => 'owner' in n) && !req.policyAddedField) {
      return { ...body, nodes: items.map((n) => maskForProject(n, project, n.owner as string | null)) };
    }
    // Read once: the uuids decide the members kept, a node's owner its masking.
    const mine = await ownedBy(project, list.kind);
    const added = req.policyAddedField;
    const out: Array<Record<string, unknown>> = [];
    for (const item of items) {
      const key = item[list.tie] as string;
      if (!mine.has(key)) continue;
      const shown = list.kind === 'nodes' ? maskForProject(item, project, mine.get(key)) : { ...item };
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
