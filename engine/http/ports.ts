// Ironic v1 ports: a node's NICs, by MAC address (what the agent's lookup and PXE go by).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PortRecord } from '../../contract/generated/port-record.js';
import { EngineError, invalid } from '../errors.js';
import { baseUrl, boolParam, identParam, objectBody, param, type HttpContext } from './context.js';
import { nextLink, pageParams } from './list.js';
import { applyPatch, asPatch, parsePointer } from './jsonpatch.js';
import { PORT_LIST_FIELDS, parseFields, portDetail, portView } from './repr.js';
import { portSchemas } from './openapi-shapes.js';
import { checkQuery, refuseBelow, requireVersion } from './version.js';
import { fieldsAt, findEntry } from './versions-table.js';
import { isUuid } from '../ids.js';
import { notFound } from '../errors.js';
import type { NodeView } from '../node-view.js';
import { checkBoolean, checkLocalLink, checkPortName, checkSmartNic } from './port-fields.js';
import type { PortUpdate } from '../conductor/types.js';

const SORT_KEYS = ['uuid', 'address', 'created_at', 'updated_at'] as const;
const WRITABLE = new Set(['address', 'node_uuid', 'pxe_enabled', 'extra', 'portgroup_uuid', 'local_link_connection', 'is_smartnic', 'name']);
/** Ironic port fields ironplan does not model: accepted only empty. */
const EMPTY_ONLY: Record<string, unknown> = { physical_network: null };


function checkEmptyOnly(field: string, v: unknown): void {
  const empty = EMPTY_ONLY[field];
  if (v === null || v === undefined || JSON.stringify(v) === JSON.stringify(empty)) return;
  throw invalid(`${field}: ironplan does not support this field; only ${JSON.stringify(empty)} is accepted`, field);
}

type PortChange = PortUpdate;

function checkChange(req: FastifyRequest, body: Record<string, unknown>, out: PortChange): void {
  if (body.local_link_connection !== undefined) out.local_link_connection = checkLocalLink(req, body.local_link_connection);
  if (body.is_smartnic !== undefined) out.is_smartnic = body.is_smartnic === null ? false : checkBoolean('is_smartnic', body.is_smartnic);
  if (body.name !== undefined) out.name = checkPortName(body.name);
  if (body.address !== undefined) {
    if (typeof body.address !== 'string') throw invalid('address: must be a MAC address string', 'address');
    out.address = body.address;
  }
  if (body.node_uuid !== undefined) {
    if (typeof body.node_uuid !== 'string') throw invalid('node_uuid: must be a string', 'node_uuid');
    out.node_uuid = body.node_uuid;
  }
  if (body.portgroup_uuid !== undefined) {
    // The manager checks that the group exists and is the node's.
    if (body.portgroup_uuid !== null && (typeof body.portgroup_uuid !== 'string' || !isUuid(body.portgroup_uuid))) throw invalid(`Expected UUID for portgroup_uuid: ${String(body.portgroup_uuid)}`, 'portgroup_uuid');
    out.portgroup_uuid = body.portgroup_uuid === null ? null : body.portgroup_uuid.toLowerCase();
  }
  if (body.pxe_enabled !== undefined) {
    if (typeof body.pxe_enabled !== 'boolean') throw invalid('pxe_enabled: must be a boolean', 'pxe_enabled');
    out.pxe_enabled = body.pxe_enabled;
  }
  if (body.extra !== undefined) {
    if (body.extra === null || typeof body.extra !== 'object' || Array.isArray(body.extra)) throw invalid('extra: must be a JSON object', 'extra');
    out.extra = body.extra as Record<string, unknown>;
  }
}

/** A port by UUID, or from 1.88 by name. */
async function findPort(req: FastifyRequest, nodes: NodeView, ident: string): Promise<PortRecord> {
  if (isUuid(ident) || req.apiVersion < (findEntry('field', 'port', 'name')?.since ?? Infinity)) return nodes.getPort(ident);
  const [port] = await nodes.listPorts({ name: ident });
  if (!port) throw notFound('Port', ident);
  return port;
}

/** A port field of a later version than the request's: 406, as Ironic refuses it (given at all, even null). */
function refuseLaterField(req: FastifyRequest, field: string): void {
  const e = findEntry('field', 'port', field);
  if (e) refuseBelow(req, e, `The port field ${field}`);
}

function sortPorts(ports: PortRecord[], key: string, dir: 'asc' | 'desc'): PortRecord[] {
  const sign = dir === 'desc' ? -1 : 1;
  return [...ports].sort((a, b) => {
    const x = String((a as unknown as Record<string, unknown>)[key] ?? '');
    const y = String((b as unknown as Record<string, unknown>)[key] ?? '');
    return (x < y ? -1 : x > y ? 1 : a.uuid < b.uuid ? -1 : 1) * sign;
  });
}

export function registerPortRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const manager = ctx.engine.manager;
  const nodes = ctx.engine.nodes;
  const tags = ['ports'];

  const list = (opts: { detailPath: boolean; nodeParam: boolean; groupParam?: boolean }) => async (req: FastifyRequest) => {
    const v = req.apiVersion;
    if (opts.groupParam) requireVersion(req, 'endpoint', 'v1', '/v1/portgroups/{portgroup}/ports');
    checkQuery(req, 'ports');
    const fields = parseFields(param(req, 'fields'), 'port', v);
    if (opts.detailPath && fields) throw invalid('Can not specify ?fields with the /detail resource', 'fields');
    const detail = opts.detailPath || boolParam(req, 'detail') === true;
    const page = pageParams(req, SORT_KEYS);
    const nodeIdent = opts.nodeParam ? identParam(req) : opts.groupParam ? undefined : (param(req, 'node') ?? param(req, 'node_uuid'));
    const groupIdent = opts.groupParam ? identParam(req) : param(req, 'portgroup');
    const portgroupUuid = groupIdent ? (await ctx.engine.store.getPortgroup(groupIdent)).uuid : undefined;
    // Before 1.5 a node name in ?node= is refused (406); in the URL, the name gate answers 404.
    if (!opts.nodeParam && nodeIdent && !isUuid(nodeIdent)) requireVersion(req, 'behaviour', 'node', 'names', `?node=${nodeIdent} (a node name)`);
    const nodeUuid = nodeIdent ? (await nodes.getNode(nodeIdent)).uuid : undefined;
    const address = param(req, 'address');
    let ports: PortRecord[];
    if ((page.sort_key ?? 'uuid') === 'uuid' && page.sort_dir !== 'desc') {
      ports = await nodes.listPorts({ node_uuid: nodeUuid, portgroup_uuid: portgroupUuid, address, limit: page.limit, marker: page.marker });
    } else {
      // Other orders are rare and port lists small: sort here, then page.
      let all = sortPorts(await nodes.listPorts({ node_uuid: nodeUuid, portgroup_uuid: portgroupUuid, address }), page.sort_key ?? 'uuid', page.sort_dir ?? 'asc');
      if (page.marker) {
        const at = all.findIndex((p) => p.uuid === page.marker);
        if (at < 0) throw new EngineError('NotFound', `Marker port ${page.marker} could not be found.`);
        all = all.slice(at + 1);
      }
      ports = all.slice(0, page.limit);
    }
    const base = baseUrl(req);
    const out = ports.map((p) => portView(p, v, base, { detail, fields: fields ?? (detail ? undefined : PORT_LIST_FIELDS) }));
    const path = req.routeOptions.url!.replace(':ident', (opts.groupParam ? groupIdent : nodeIdent) ?? '');
    const next = nextLink(base, path, req, ports, page.limit);
    return next ? { ports: out, next } : { ports: out };
  };

  app.get('/v1/ports', { schema: { summary: 'List ports (filters: node, node_uuid, address)', tags } }, list({ detailPath: false, nodeParam: false }));
  app.get('/v1/ports/detail', { schema: { summary: 'List ports with every field', tags } }, list({ detailPath: true, nodeParam: false }));
  app.get('/v1/nodes/:ident/ports', { schema: { summary: "A node's ports", tags } }, list({ detailPath: false, nodeParam: true }));
  app.get('/v1/nodes/:ident/ports/detail', { schema: { summary: "A node's ports with every field", tags } }, list({ detailPath: true, nodeParam: true }));

  app.get('/v1/portgroups/:ident/ports', { schema: { summary: "A port group's ports", tags } }, list({ detailPath: false, nodeParam: false, groupParam: true }));
  app.get('/v1/portgroups/:ident/ports/detail', { schema: { summary: "A port group's ports with every field", tags } }, list({ detailPath: true, nodeParam: false, groupParam: true }));

  app.post('/v1/ports', { schema: { summary: 'Create a port', tags, body: portSchemas.create } }, async (req, reply) => {
    const body = objectBody(req);
    for (const key of Object.keys(body)) {
      if (body[key] !== undefined) refuseLaterField(req, key);
      // Own keys only: "constructor" or "toString" in a body is an unknown attribute, not an Ironic field.
      if (Object.hasOwn(EMPTY_ONLY, key)) checkEmptyOnly(key, body[key]);
      else if (key !== 'uuid' && !WRITABLE.has(key)) throw invalid(`Unknown attribute for argument port: ${key}`, key);
    }
    const change: PortChange = {};
    checkChange(req, body, change);
    if (!change.node_uuid) throw invalid('node_uuid: is required', 'node_uuid');
    if (!change.address) throw invalid('address: is required', 'address');
    // As Ironic 21.4: a Smart NIC's link is checked on create, and only when one is given.
    if (body.local_link_connection != null) checkSmartNic(change.is_smartnic ?? false, change.local_link_connection ?? {});
    const port = await manager.createPort({ ...change, node_uuid: change.node_uuid, address: change.address, uuid: body.uuid as string | undefined });
    const base = baseUrl(req);
    reply.code(201).header('Location', `${base}/v1/ports/${port.uuid}`);
    return portDetail(port, req.apiVersion, base);
  });

  app.get('/v1/ports/:ident', { schema: { summary: 'Show a port', tags } }, async (req) => {
    const fields = parseFields(param(req, 'fields'), 'port', req.apiVersion);
    return portView(await findPort(req, nodes, identParam(req)), req.apiVersion, baseUrl(req), { detail: true, fields });
  });

  app.patch('/v1/ports/:ident', { schema: { summary: 'Update a port with a JSON Patch (RFC 6902)', tags } }, async (req) => {
    const ops = asPatch(req.body);
    const v = req.apiVersion;
    const known = new Set(fieldsAt('port', v));
    for (const op of ops) {
      const top = parsePointer(op.path)[0]!;
      if (!known.has(top)) refuseLaterField(req, top);
      if (!known.has(top)) throw invalid(`Invalid patch path ${op.path}: "${top}" is not a field of a port at API version 1.${v}`, op.path);
    }
    const port = await findPort(req, nodes, identParam(req));
    const base = baseUrl(req);
    const before = portDetail(port, v, base);
    const after = applyPatch(before, ops);
    const change: PortChange = {};
    const body: Record<string, unknown> = {};
    for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
      if (Object.hasOwn(EMPTY_ONLY, field)) checkEmptyOnly(field, after[field]);
      else if (!WRITABLE.has(field)) throw invalid(`'/${field}' is an internal attribute and can not be updated`, field);
      else if (!(field in after)) {
        if (field === 'extra') body.extra = {};
        else if (field === 'pxe_enabled') body.pxe_enabled = true;
        else if (field === 'portgroup_uuid' || field === 'name') body[field] = null;
        else if (field === 'local_link_connection') body.local_link_connection = {};
        else if (field === 'is_smartnic') body.is_smartnic = false;
        else throw invalid(`'/${field}' is a mandatory attribute and can not be removed`, field);
      } else body[field] = after[field];
    }
    checkChange(req, body, change);
    const updated = Object.keys(change).length ? await manager.updatePort(port.uuid, change) : port;
    return portDetail(updated, v, base);
  });

  app.delete('/v1/ports/:ident', { schema: { summary: 'Delete a port', tags } }, async (req, reply) => {
    await manager.deletePort((await findPort(req, nodes, identParam(req))).uuid);
    return reply.code(204).send();
  });
}
