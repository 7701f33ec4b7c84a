// Ironic v1 nodes: the collection, one node, and its PATCH (RFC 6902 on the API representation).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { InterfaceNames } from '../generated/node-spec.js';
import type { NodeCreate, NodeUpdate } from '../conductor.js';
import type { NodeFilter } from '../store/store.js';
import { EngineError, invalid } from '../errors.js';
import { SECRET_MASK } from '../drivers/registry.js';
import { isUuid } from '../ids.js';
import { baseUrl, boolParam, identParam, objectBody, param, type HttpContext } from './context.js';
import { nextLink, pageParams } from './list.js';
import { isLogicalName } from './names.js';
import { applyPatch, asPatch, parsePointer } from './jsonpatch.js';
import { NOOP_INTERFACES, OWN_KINDS, NODE_LIST_FIELDS, nodeDetail, nodeView, parseFields, type OwnKind } from './repr.js';
import { LATER_CREATABLE, LATER_WRITABLE, laterField, laterFilters } from './node-fields.js';
import { checkQuery, refuseBelow, refuseLaterField, requireVersion, versionHas } from './version.js';
import { fieldsAt, findEntry } from './versions-table.js';
import { nodeSchemas } from './openapi-shapes.js';
import { NodeJsonCache } from './node-json.js';

const SORT_KEYS = ['created_at', 'updated_at', 'name', 'uuid', 'provision_state'] as const;
const DICT_FIELDS = ['driver_info', 'properties', 'extra', 'instance_info'] as const;
/** Fields a client may write, on create (plus uuid) and by PATCH. */
const WRITABLE = new Set<string>([
  'name', 'driver', 'driver_info', 'properties', 'extra', 'instance_info', 'instance_uuid', 'resource_class', 'chassis_uuid',
  'maintenance', 'maintenance_reason', ...OWN_KINDS.map((k) => `${k}_interface`), ...Object.keys(NOOP_INTERFACES),
  ...LATER_WRITABLE,
]);
type Req = Pick<FastifyRequest, 'apiVersion' | 'method'>;


function checkDict(field: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(`${field}: must be a JSON object`, field);
  return v as Record<string, unknown>;
}
function checkNullableString(field: string, v: unknown, max = 255): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || v.length > max) throw invalid(`${field}: must be a string of at most ${max} characters or null`, field);
  return v;
}

/** An Ironic no-op interface field may be given only with its one value. */
function checkNoopInterface(field: string, v: unknown): void {
  const value = NOOP_INTERFACES[field]!;
  if (v !== null && v !== value) throw invalid(`${field}: "${String(v)}" is not enabled; ironplan nodes have no ${field.replace('_interface', '')} interface (only "${value}")`, field);
}

/** Ironic's name rule of the version: hostname-safe names before 1.10, RFC 3986 unreserved characters since. */
const HOSTNAME_SAFE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9\-_]{0,62}[a-z0-9])*\.?$/;
function checkName(req: Req, name: string | null, message: string): void {
  if (name === null) return;
  requireVersion(req, 'behaviour', 'node', 'names', 'Node names');
  const ok = versionHas(req, 'behaviour', 'node', 'rfc3986-names') ? isLogicalName(name) : HOSTNAME_SAFE.test(name);
  if (!ok || name.length > 255 || isUuid(name)) throw invalid(`${message} '${name}'`, 'name');
}

/** A chassis reference: a UUID or null (the manager checks that the chassis exists). */
function checkChassisUuid(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !isUuid(v)) throw invalid(`Expected UUID for chassis_uuid: ${String(v)}`, 'chassis_uuid');
  return v.toLowerCase();
}

/** The interfaces a create body names; their fields are strings or null (nodeSchemas.create). */
function interfacesFrom(body: Record<string, unknown>): InterfaceNames | undefined {
  const out: InterfaceNames = {};
  let any = false;
  for (const kind of OWN_KINDS) {
    const v = body[`${kind}_interface`] as string | null | undefined;
    if (v === undefined || v === null) continue;
    out[kind] = v;
    any = true;
  }
  return any ? out : undefined;
}

/** A create body, which the route schema (nodeSchemas.create) has already checked for types, uuid and traits. */
function createInput(body: Record<string, unknown>, req: Req): NodeCreate {
  const fields = fieldsAt('node', req.apiVersion);
  for (const key of Object.keys(body)) {
    refuseLaterField(req, 'node', key, body[key]);
    if (LATER_WRITABLE.has(key) && !LATER_CREATABLE.has(key)) throw invalid(`${key}: can not be set on create`, key);
    if (key === 'uuid' || key === 'traits' || WRITABLE.has(key)) continue;
    // The rescue interface follows the deploy interface (repr.ts): a client may only leave it unset.
    if (key === 'rescue_interface' && body[key] === null) continue;
    if (fields.includes(key)) throw invalid(`${key}: is read-only and can not be set on create`, key);
    throw invalid(`Unknown attribute for argument node: ${key}`, key);
  }
  if (typeof body.driver !== 'string' || !body.driver) throw invalid('driver: is required', 'driver');
  for (const f of Object.keys(NOOP_INTERFACES)) if (body[f] !== undefined) checkNoopInterface(f, body[f]);
  const input: NodeCreate = { driver: body.driver, interfaces: interfacesFrom(body) };
  if (body.uuid !== undefined) input.uuid = body.uuid as string;
  if (body.name !== undefined) {
    input.name = checkNullableString('name', body.name);
    checkName(req, input.name, 'Cannot create node with invalid name');
  }
  if (body.chassis_uuid !== undefined) input.chassis_uuid = checkChassisUuid(body.chassis_uuid);
  // Before 1.11 a new node is available at once, as Ironic creates it (no enroll, no cleaning).
  if (!versionHas(req, 'behaviour', 'node', 'enroll')) input.initial_state = 'available';
  for (const f of DICT_FIELDS) if (body[f] !== undefined) input[f] = checkDict(f, body[f]);
  if (body.resource_class !== undefined) input.resource_class = checkNullableString('resource_class', body.resource_class, 80);
  if (body.traits !== undefined) input.traits = body.traits as string[];
  if (body.maintenance !== undefined) {
    if (typeof body.maintenance !== 'boolean') throw invalid('maintenance: must be a boolean', 'maintenance');
    input.maintenance = body.maintenance;
  }
  if (body.maintenance_reason !== undefined) input.maintenance_reason = checkNullableString('maintenance_reason', body.maintenance_reason);
  if (body.instance_uuid !== undefined && body.instance_uuid !== null) throw invalid('instance_uuid: can not be set on create', 'instance_uuid');
  for (const key of LATER_CREATABLE) if (body[key] !== undefined) Object.assign(input, laterField(key, body[key]));
  return input;
}

/** Keeps the stored secret where the patched document still holds the mask the client was shown. */
function unmask(patched: Record<string, unknown>, shown: Record<string, unknown>, real: Record<string, unknown>): Record<string, unknown> {
  const out = { ...patched };
  for (const [k, v] of Object.entries(out)) if (v === SECRET_MASK && shown[k] === SECRET_MASK && k in real) out[k] = real[k];
  return out;
}

/** Turns a patched representation into the fields to update, refusing changes to what clients can't write. */
export function updateFromPatch(before: Record<string, unknown>, after: Record<string, unknown>, real: NodeRecord, req: Req, resetInterfaces?: boolean): NodeUpdate {
  const v = req.apiVersion;
  const update: NodeUpdate = {};
  let interfacesChanged = false;
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[field];
    const now = after[field];
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    if (field === 'traits') throw invalid('Cannot update node traits via node patch. Node traits should be updated via the node traits API.', 'traits');
    if (!WRITABLE.has(field)) {
      if (!(field in before)) throw invalid(`Invalid patch path /${field}: "${field}" is not a field of a node at API version 1.${v}`, field);
      throw invalid(`'/${field}' is an internal attribute and can not be updated`, field);
    }
    const removed = !(field in after);
    switch (field) {
      case 'name':
        update.name = removed ? null : checkNullableString('name', now);
        checkName(req, update.name, `Node ${real.uuid}: Cannot change name to invalid name`);
        break;
      case 'chassis_uuid':
        update.chassis_uuid = removed ? null : checkChassisUuid(now);
        if (update.chassis_uuid === null) requireVersion(req, 'behaviour', 'node', 'unset-chassis', "Removing a node's chassis_uuid");
        break;
      case 'driver':
        if (removed || typeof now !== 'string' || !now) throw invalid("'/driver' is a mandatory attribute and can not be removed", 'driver');
        update.driver = now;
        break;
      case 'driver_info':
        update.driver_info = removed ? {} : unmask(checkDict(field, now), checkDict(field, was), real.driver_info);
        break;
      case 'instance_info':
        update.instance_info = removed ? {} : unmask(checkDict(field, now), checkDict(field, was), real.instance_info);
        break;
      case 'properties':
      case 'extra':
        update[field] = removed ? {} : checkDict(field, now);
        break;
      case 'resource_class':
        update.resource_class = removed ? null : checkNullableString(field, now, 80);
        break;
      case 'instance_uuid':
        update.instance_uuid = removed ? null : checkNullableString(field, now, 36);
        break;
      case 'maintenance':
        if (!removed && typeof now !== 'boolean') throw invalid('maintenance: must be a boolean', 'maintenance');
        update.maintenance = removed ? false : (now as boolean);
        break;
      case 'maintenance_reason':
        update.maintenance_reason = removed ? null : checkNullableString(field, now);
        break;
      default:
        if (LATER_WRITABLE.has(field)) Object.assign(update, laterField(field, removed ? undefined : now));
        else if (field in NOOP_INTERFACES) checkNoopInterface(field, removed ? null : now);
        else interfacesChanged = true;
    }
  }
  // ?reset_interfaces=false keeps the node's interfaces across a driver change (the new type must support
  // them); true, or no parameter, resets those the patch does not name to the new type's defaults.
  if (update.driver !== undefined && resetInterfaces === false && !interfacesChanged) update.interfaces = { ...real.interfaces };
  if (interfacesChanged) {
    // Removing an interface field resets that interface to the hardware type's default, as in Ironic.
    const interfaces: InterfaceNames = {};
    for (const kind of OWN_KINDS) {
      const val = after[`${kind}_interface`];
      if (val === undefined || val === null) continue;
      if (typeof val !== 'string') throw invalid(`${kind}_interface: must be a string`, `${kind}_interface`);
      if (update.driver !== undefined && resetInterfaces !== false && val === before[`${kind}_interface`]) continue;
      interfaces[kind as OwnKind] = val;
    }
    update.interfaces = interfaces;
  }
  return update;
}

function listFilter(req: FastifyRequest): NodeFilter {
  const f: NodeFilter = {};
  const chassis = param(req, 'chassis_uuid');
  if (chassis) f.chassis_uuid = checkChassisUuid(chassis)!;
  const ps = param(req, 'provision_state');
  if (ps) f.provision_state = ps;
  const driver = param(req, 'driver');
  if (driver) f.driver = driver;
  const rc = param(req, 'resource_class');
  if (rc) f.resource_class = rc;
  const maint = boolParam(req, 'maintenance');
  if (maint !== undefined) f.maintenance = maint;
  const assoc = boolParam(req, 'associated');
  if (assoc !== undefined) f.associated = assoc;
  const inst = param(req, 'instance_uuid');
  if (inst) f.instance_uuid = inst;
  Object.assign(f, laterFilters(req));
  // From 1.83 child nodes are listed only when asked for (Ironic); older clients see every node.
  if (f.include_children === undefined && versionHas(req, 'query', 'nodes', 'include_children')) f.include_children = false;
  // ironplan's own filters (the console's search): Ironic has no substring or trait filter at 1.37.
  const contains = param(req, 'name_contains');
  if (contains) f.name_contains = contains;
  const trait = param(req, 'trait');
  if (trait) f.trait = trait;
  return f;
}

/**
 * The nodes a filter the store cannot apply keeps: pages are read from the marker on until `limit` are
 * kept or the nodes run out, so a page is short only at the end and its last node is the next marker.
 */
async function readOwned(filter: NodeFilter, read: (f: NodeFilter) => Promise<NodeRecord[]>, keep: (n: NodeRecord) => boolean): Promise<NodeRecord[]> {
  const limit = filter.limit!;
  const out: NodeRecord[] = [];
  for (let marker = filter.marker; ; ) {
    const batch = await read({ ...filter, marker });
    for (const n of batch) if (keep(n) && out.push(n) === limit) return out;
    if (batch.length < limit) return out;
    marker = batch[batch.length - 1]!.uuid;
  }
}

const LIST_HEAD = Buffer.from('{"nodes":[');
const COMMA = Buffer.from(',');

/**
 * Before 1.5 nodes have no names: a node is named by its UUID in URLs, and anything else is a node that
 * cannot be found, as Ironic answers older clients.
 */
function registerNameGate(app: FastifyInstance): void {
  app.addHook('preHandler', async (req) => {
    if (!req.routeOptions.url?.startsWith('/v1/nodes/:ident') || versionHas(req, 'behaviour', 'node', 'names')) return;
    const ident = identParam(req);
    if (!isUuid(ident)) throw new EngineError('NotFound', `Node ${ident} could not be found.`);
  });
}

export function registerNodeRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const manager = ctx.engine.manager;
  const nodes = ctx.engine.nodes;
  const tags = ['nodes'];
  const cache = new NodeJsonCache(nodes);
  registerNameGate(app);
  /**
   * The manager owning each node by the hash ring (Ironic's node.conductor, API 1.49). A ring answers by an
   * MD5 of the node (1.2 ms per 1,000 nodes, a quarter of a cached detail list), so the answers are kept
   * for as long as the cluster view keeps that ring (a few seconds).
   */
  const ownerMemo = new WeakMap<object, Map<string, string | null>>();
  const owners = async (): Promise<(n: NodeRecord) => string | null> => {
    const { rings } = await ctx.engine.managers.current();
    let memo = ownerMemo.get(rings);
    if (!memo) ownerMemo.set(rings, (memo = new Map()));
    return (n) => {
      const key = `${n.uuid}\u0000${n.conductor_group}\u0000${n.driver}`;
      let owner = memo.get(key);
      if (owner === undefined) memo.set(key, (owner = rings.owner(n) ?? null));
      return owner;
    };
  };
  const detailOf = async (n: NodeRecord, v: number, base: string) => nodeDetail(nodes.redact(n), v, base, { conductor: (await owners())(n) });

  const list = (opts: { detailPath: boolean; inChassis: boolean }) => async (req: FastifyRequest, reply: FastifyReply) => {
    const v = req.apiVersion;
    checkQuery(req, 'nodes');
    const fields = parseFields(param(req, 'fields'), 'node', v);
    if (opts.detailPath && fields) throw invalid('Can not specify ?fields with the /detail resource', 'fields');
    const detail = opts.detailPath || boolParam(req, 'detail') === true;
    const page = pageParams(req, SORT_KEYS);
    // Sorting by a field the version does not have is refused as asking for it is (Ironic: 406).
    const sortField = page.sort_key && findEntry('field', 'node', page.sort_key);
    if (sortField) refuseBelow(req, sortField, `sort_key=${page.sort_key}`);
    const filter: NodeFilter = { ...listFilter(req), limit: page.limit, marker: page.marker };
    // A project-scoped token lists only its project's nodes (owned or leased: policy.ts).
    const project = req.caller?.project ?? undefined;
    if (project) filter.project = project;
    if (opts.inChassis) filter.chassis_uuid = checkChassisUuid(identParam(req, 'uuid'))!;
    // An unknown chassis is a 404, not an empty list (Ironic).
    if (filter.chassis_uuid) await ctx.engine.store.getChassis(filter.chassis_uuid);
    // A parent named by name is found by it; an unknown one is a 400 naming it, as Ironic answers.
    if (filter.parent_node && !isUuid(filter.parent_node)) {
      const parent = await ctx.engine.store.findNode(filter.parent_node);
      if (!parent) throw invalid(`parent_node: Node ${filter.parent_node} could not be found`, 'parent_node');
      filter.parent_node = parent.uuid;
    }
    if (page.sort_key) filter.sort_key = page.sort_key as NodeFilter['sort_key'];
    if (page.sort_dir) filter.sort_dir = page.sort_dir;
    const owner = await owners();
    // ?conductor (1.49): the owner is the hash ring's, not a column, so the pages read are filtered once read.
    const conductor = param(req, 'conductor');
    const found = conductor ? await readOwned(filter, (f) => nodes.listNodes(f), (n) => owner(n) === conductor) : await nodes.listNodes(filter);
    const base = baseUrl(req);
    const path = req.routeOptions.url!.replace(':uuid', filter.chassis_uuid ?? '');
    const next = nextLink(base, path, req, found, page.limit);
    const tail = next ? `],"next":${JSON.stringify(next)}}` : ']}';
    // A project's answer is masked per node after serialization's hook (policy.ts): no shared cached bytes.
    if (detail && !fields && !project) {
      const parts: Buffer[] = [LIST_HEAD];
      for (let i = 0; i < found.length; i++) {
        if (i) parts.push(COMMA);
        parts.push(cache.detail(found[i]!, v, base, owner(found[i]!)));
      }
      parts.push(Buffer.from(tail));
      return reply.type('application/json; charset=utf-8').send(Buffer.concat(parts));
    }
    // Secrets only appear in the long forms; the short list skips the masking work.
    const needsRedact = detail || (fields ?? NODE_LIST_FIELDS).some((f) => f === 'driver_info' || f === 'driver_internal_info');
    const out = new Array<Record<string, unknown>>(found.length);
    for (let i = 0; i < found.length; i++) {
      const n = needsRedact ? nodes.redact(found[i]!) : found[i]!;
      out[i] = nodeView(n, v, base, { detail, fields, conductor: owner(n) });
    }
    return next ? { nodes: out, next } : { nodes: out };
  };

  const listQuery = nodeSchemas.listQuery;
  app.get('/v1/nodes', { schema: { summary: 'List nodes (Ironic v1)', tags, querystring: listQuery } }, list({ detailPath: false, inChassis: false }));
  app.get('/v1/nodes/detail', { schema: { summary: 'List nodes with every field (Ironic v1)', tags, querystring: listQuery } }, list({ detailPath: true, inChassis: false }));
  app.get('/v1/chassis/:uuid/nodes', { schema: { summary: "A chassis's nodes (Ironic v1)", tags: ['chassis'], querystring: listQuery } }, list({ detailPath: false, inChassis: true }));
  app.get('/v1/chassis/:uuid/nodes/detail', { schema: { summary: "A chassis's nodes with every field", tags: ['chassis'], querystring: listQuery } }, list({ detailPath: true, inChassis: true }));

  // ironplan's own (not Ironic's): the whole fleet's states in one read, for overviews such as the console's.
  app.get('/v1/node-states', { schema: { summary: "Every node's provision and power state, maintenance and fault, with the newest event id they reflect (ironplan)", tags, responses: { 200: { $ref: 'node-states.schema.json' } } } }, async () => nodes.nodeStates());

  app.post('/v1/nodes', { schema: { summary: 'Enroll a node (Ironic v1)', tags, body: nodeSchemas.create } }, async (req, reply) => {
    const node = await manager.createNode(createInput(objectBody(req), req));
    const base = baseUrl(req);
    reply.code(201).header('Location', `${base}/v1/nodes/${node.uuid}`);
    return detailOf(node, req.apiVersion, base);
  });

  app.get('/v1/nodes/:ident', { schema: { summary: 'Show a node by uuid or name (Ironic v1)', tags } }, async (req) => {
    const fields = parseFields(param(req, 'fields'), 'node', req.apiVersion);
    const real = await nodes.getNode(identParam(req));
    return nodeView(nodes.redact(real), req.apiVersion, baseUrl(req), { detail: true, fields, conductor: (await owners())(real) });
  });

  app.patch('/v1/nodes/:ident', { schema: { summary: 'Update a node with a JSON Patch (RFC 6902)', tags, body: nodeSchemas.patch } }, async (req) => {
    const ops = asPatch(req.body);
    const v = req.apiVersion;
    const reset = boolParam(req, 'reset_interfaces');
    if (reset !== undefined) requireVersion(req, 'behaviour', 'node', 'reset-interfaces', '?reset_interfaces');
    if (reset && !ops.some((op) => parsePointer(op.path)[0] === 'driver')) throw invalid("The reset_interfaces parameter can only be used when changing the node's driver.", 'reset_interfaces');
    const known = new Set(fieldsAt('node', v));
    for (const op of ops) {
      for (const p of [op.path, ...(op.from ? [op.from] : [])]) {
        const top = parsePointer(p)[0]!;
        const later = findEntry('field', 'node', top);
        if (!known.has(top) && later) refuseBelow(req, later, `The node field ${top}`);
        if (!known.has(top)) throw invalid(`Invalid patch path ${p}: "${top}" is not a field of a node at API version 1.${v}`, p);
        if (op.op !== 'test' && p === op.path && !WRITABLE.has(top)) {
          throw invalid(top === 'traits' ? 'Cannot update node traits via node patch. Node traits should be updated via the node traits API.' : `'/${top}' is an internal attribute and can not be updated`, p);
        }
      }
    }
    const real = await nodes.getNode(identParam(req));
    const base = baseUrl(req);
    const before = await detailOf(real, v, base);
    const after = applyPatch(before, ops);
    const update = updateFromPatch(before, after, real, req, reset);
    const node = Object.keys(update).length ? await manager.updateNode(real.uuid, update) : real;
    return detailOf(node, v, base);
  });

  app.delete('/v1/nodes/:ident', { schema: { summary: 'Delete a node (Ironic v1)', tags } }, async (req, reply) => {
    const node = await nodes.getNode(identParam(req));
    await manager.deleteNode(node.uuid);
    cache.forget(node.uuid);
    return reply.code(204).send();
  });
}
