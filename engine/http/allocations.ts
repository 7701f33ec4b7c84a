// Ironic v1 allocations (API 1.52; PATCH 1.57, backfill 1.58, owner 1.60): /v1/allocations and a node's
// /v1/nodes/{node}/allocation. Creating and deleting go to a manager (the pick and the node's release are
// manager work, engine/conductor/allocations.ts); reads and the PATCH of name and extra (no node is
// touched, as Ironic's API saves them itself) use the database.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AllocationRecord } from '../generated/allocation-record.js';
import type { AllocationCreate } from '../generated/allocation-create.js';
import { notFound, invalid } from '../errors.js';
import { assertValid } from '../validation.js';
import { now } from '../store/store.js';
import * as rows from '../store/allocations.js';
import { baseUrl, dictField, identParam, param, type HttpContext } from './context.js';
import { nextLink, pageParams } from './list.js';
import { applyPatch, patchOf } from './jsonpatch.js';
import { atVersion, links, parseFields, pick } from './repr.js';
import { checkQuery, requireVersion, versionHas } from './version.js';
import { isLogicalName } from './names.js';

const SORT_KEYS = ['uuid', 'name', 'state', 'resource_class', 'owner', 'node_uuid', 'created_at', 'updated_at'] as const;
const PATCHABLE = ['name', 'extra'];


export function allocationDetail(a: AllocationRecord, v: number, base: string): Record<string, unknown> {
  // The record's fields are Ironic's, in its order.
  return atVersion({ ...a, links: links(base, `allocations/${a.uuid}`) }, 'allocation', v);
}

function view(a: AllocationRecord, v: number, base: string, fields?: readonly string[]) {
  const full = allocationDetail(a, v, base);
  return fields ? pick(full, fields) : full;
}

function checkName(name: unknown): void {
  if (typeof name === 'string' && name !== '' && !isLogicalName(name)) throw invalid(`Cannot create allocation with invalid name '${name}'`, 'name');
}

/** Every allocation route is 404 (GET) or 405 before 1.52, as Ironic's _route answers. */
const gate = (req: FastifyRequest) => requireVersion(req, 'endpoint', 'v1', '/v1/allocations', 'Allocations');

export function registerAllocationRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const { store, manager, nodes } = ctx.engine;
  const tags = ['allocations'];

  /** A node named in a body or query: 400 if there is none (Ironic turns NodeNotFound into a 400 there). */
  const nodeUuidOf = async (ident: string, field: string): Promise<string> => {
    const n = await store.findNode(ident);
    if (!n) throw invalid(`Node ${ident} could not be found.`, field);
    return n.uuid;
  };

  app.get('/v1/allocations', { schema: { summary: 'List allocations (?node, ?resource_class, ?state, ?owner)', tags } }, async (req) => {
    gate(req);
    checkQuery(req, 'allocations');
    const v = req.apiVersion;
    const fields = parseFields(param(req, 'fields'), 'allocation', v);
    const page = pageParams(req, SORT_KEYS);
    const node = param(req, 'node');
    const found = await rows.listAllocations(store.db, {
      node_uuid: node ? await nodeUuidOf(node, 'node') : undefined,
      resource_class: param(req, 'resource_class'),
      state: param(req, 'state'),
      owner: param(req, 'owner'),
      limit: page.limit,
      marker: page.marker,
      sort_key: page.sort_key as rows.AllocationFilter['sort_key'],
      sort_dir: page.sort_dir,
    });
    const base = baseUrl(req);
    const next = nextLink(base, '/v1/allocations', req, found, page.limit);
    const out = found.map((a) => view(a, v, base, fields));
    return next ? { allocations: out, next } : { allocations: out };
  });

  app.get('/v1/allocations/:ident', { schema: { summary: 'Show an allocation (by UUID or name)', tags } }, async (req) => {
    gate(req);
    const fields = parseFields(param(req, 'fields'), 'allocation', req.apiVersion);
    return view(await rows.getAllocation(store.db, identParam(req)), req.apiVersion, baseUrl(req), fields);
  });

  app.post('/v1/allocations', { schema: { summary: 'Allocate a node (or backfill a deployed one, 1.58)', tags } }, async (req, reply) => {
    gate(req);
    const body = assertValid<AllocationCreate>('allocation-create.schema.json', req.body ?? {});
    if (body.owner != null) requireVersion(req, 'field', 'allocation', 'owner', 'owner');
    checkName(body.name);
    const input: AllocationCreate = { ...body };
    let nodeResourceClass: string | null | undefined;
    if (body.node) {
      if (!versionHas(req, 'behaviour', 'node', 'allocation-backfill')) throw invalid('Cannot set node when creating an allocation in this API version', 'node');
      const n = await store.findNode(body.node);
      if (!n) throw invalid(`Node ${body.node} could not be found.`, 'node');
      input.node = n.uuid;
      nodeResourceClass = n.resource_class;
      // A deployed node's instance is its allocation's UUID, as Ironic keeps it.
      if (!body.uuid && n.instance_uuid) input.uuid = n.instance_uuid;
    }
    if (!body.resource_class) {
      if (!body.node) throw invalid('The resource_class field is mandatory when not backfilling', 'resource_class');
      input.resource_class = nodeResourceClass ?? null;
    }
    if (body.candidate_nodes?.length) input.candidate_nodes = await Promise.all(body.candidate_nodes.map((c) => nodeUuidOf(c, 'candidate_nodes')));
    if (body.uuid) input.uuid = body.uuid.toLowerCase();
    const created = await manager.createAllocation(input, 'api');
    const base = baseUrl(req);
    reply.code(201).header('Location', `${base}/v1/allocations/${created.uuid}`);
    return allocationDetail(created, req.apiVersion, base);
  });

  app.patch('/v1/allocations/:ident', { schema: { summary: 'Change an allocation\'s name or extra with a JSON Patch (1.57)', tags } }, async (req) => {
    gate(req);
    requireVersion(req, 'behaviour', 'node', 'allocation-patch', 'Updating allocations');
    const ops = patchOf(req.body, PATCHABLE);
    const updated = await store.transaction(async (tx) => {
      const current = await rows.getAllocation(tx.db, identParam(req));
      const after = applyPatch({ name: current.name, extra: current.extra }, ops) as { name?: unknown; extra?: unknown };
      const name = after.name ?? null;
      if (name !== null && typeof name !== 'string') throw invalid('name: must be a string or null', 'name');
      checkName(name);
      return rows.updateAllocation(tx.db, current.uuid, { name, extra: dictField('extra', after.extra) }, now());
    });
    return allocationDetail(updated, req.apiVersion, baseUrl(req));
  });

  app.delete('/v1/allocations/:ident', { schema: { summary: 'Delete an allocation, freeing its node', tags } }, async (req, reply) => {
    gate(req);
    const a = await rows.getAllocation(store.db, identParam(req));
    await manager.deleteAllocation(a.uuid, 'api');
    return reply.code(204).send();
  });

  const nodeAllocation = async (req: FastifyRequest): Promise<AllocationRecord> => {
    requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/allocation', 'Allocations');
    const ident = identParam(req);
    const node = await nodes.getNode(ident);
    const a = await rows.allocationOfNode(store.db, node.uuid);
    if (!a) throw notFound('Allocation for node', ident);
    return a;
  };

  app.get('/v1/nodes/:ident/allocation', { schema: { summary: "A node's allocation", tags } }, async (req) => {
    const fields = parseFields(param(req, 'fields'), 'allocation', req.apiVersion);
    return view(await nodeAllocation(req), req.apiVersion, baseUrl(req), fields);
  });

  app.delete('/v1/nodes/:ident/allocation', { schema: { summary: "Delete a node's allocation", tags } }, async (req, reply) => {
    await manager.deleteAllocation((await nodeAllocation(req)).uuid, 'api');
    return reply.code(204).send();
  });
}
