// Ironic v1 port groups (API 1.23; mode and properties 1.26; a node's and a group's lists 1.24): a node's
// bonded ports. Who writes them: Ironic's API creates a port group itself and asks the conductor to update
// or delete one only to hold the node's lock while the network interface reacts (portgroup_changed); with
// the noop network interface, the only one ironplan has, that reaction is nothing. So the API service
// writes port groups to the database itself, as it does chassis, and keeps the lock's meaning: a change
// to a group of a node some manager holds is refused with NodeLocked (409), checked in the same
// transaction as the write. A port names its group through the manager (ports.ts, portgroup_uuid).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { PortgroupRecord } from '../generated/portgroup-record.js';
import { EngineError, nodeLocked, invalid } from '../errors.js';
import { isUuid, newUuid } from '../ids.js';
import { now, type TxStore } from '../store/store.js';
import type { PortgroupChange, PortgroupFilter } from '../store/portgroups.js';
import { baseUrl, boolParam, dictField, identParam, objectBody, param, type HttpContext } from './context.js';
import { nextLink, pageParams } from './list.js';
import { applyPatch, asPatch, parsePointer } from './jsonpatch.js';
import { isLogicalName, isMacAddress } from './names.js';
import { FALSE_STRINGS, TRUE_STRINGS } from './port-fields.js';
import { parseFields, portgroupDetail, portgroupView } from './repr.js';
import { checkQuery, refuseBelow, refuseLaterField, requireVersion } from './version.js';
import { findEntry } from './versions-table.js';

const SORT_KEYS = ['uuid', 'name', 'address', 'mode', 'created_at', 'updated_at'] as const;
/** What a client may change by PATCH (Ironic's PATCH_ALLOWED_FIELDS); a create may also give the uuid. */
const PATCHABLE = ['address', 'extra', 'mode', 'name', 'node_uuid', 'properties', 'standalone_ports_supported'];
const WRITABLE = [...PATCHABLE, 'uuid'];
/** Ironic's default_portgroup_mode. */
const DEFAULT_MODE = 'active-backup';
/** A node may change port groups only in these states, or in maintenance (Ironic's update_portgroup). */
const REASSIGN_STATES = ['enroll', 'inspecting', 'inspect wait', 'manageable'];


/** Every port group route: 404 before 1.23, as Ironic answers. */
const gate = (req: FastifyRequest) => requireVersion(req, 'endpoint', 'v1', '/v1/portgroups', 'Port groups');

/** The group of the URL: a UUID or a logical name (Ironic: 400 for anything else). */
function portgroupIdent(raw: string): string {
  if (!isUuid(raw) && !isLogicalName(raw)) throw invalid(`Expected a logical name or UUID but received ${raw}.`, 'portgroup');
  return raw;
}

function checkAddress(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !isMacAddress(v)) throw invalid(`Expected a MAC address but received ${String(v)}.`, 'address');
  return v.toLowerCase();
}

/** Ironic takes a boolean or its string forms here. */
function checkBool(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && TRUE_STRINGS.includes(v.toLowerCase())) return true;
  if (typeof v === 'string' && FALSE_STRINGS.includes(v.toLowerCase())) return false;
  throw invalid(`standalone_ports_supported: Unrecognized value '${String(v)}', acceptable values are: ${[...TRUE_STRINGS, ...FALSE_STRINGS].join(', ')}`, 'standalone_ports_supported');
}

function checkMode(v: unknown): string {
  if (v === null) return DEFAULT_MODE;
  if (typeof v !== 'string' || !v) throw invalid('mode: must be a non-empty string', 'mode');
  return v;
}

function checkName(v: unknown, message: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string' || !isLogicalName(v)) throw invalid(`${message} '${String(v)}'`, 'name');
  return v;
}

/** A node named in a body: 400 if there is none (404 is for the URL's resource), as in Ironic. */
async function bodyNode(tx: TxStore, v: unknown): Promise<NodeRecord> {
  if (typeof v !== 'string' || !isUuid(v)) throw invalid(`Expected UUID for node_uuid: ${String(v)}`, 'node_uuid');
  const node = await tx.findNode(v.toLowerCase());
  if (!node) throw invalid(`Node ${v} could not be found.`, 'node_uuid');
  return node;
}

/** The node's lock, as the conductor would take it: a group of a node a manager holds is not changed. */
function checkUnlocked(node: { uuid: string; reservation: string | null }): void {
  if (node.reservation) throw nodeLocked(node.uuid, node.reservation);
}

export function registerPortgroupRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const store = ctx.engine.store;
  const nodes = ctx.engine.nodes;
  const tags = ['portgroups'];

  const list = (opts: { detailPath: boolean; nodeParam: boolean }) => async (req: FastifyRequest) => {
    gate(req);
    if (opts.nodeParam) requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/portgroups');
    const v = req.apiVersion;
    checkQuery(req, 'portgroups');
    const fields = parseFields(param(req, 'fields'), 'portgroup', v);
    if (opts.detailPath && fields) throw invalid('Can not specify ?fields with the /detail resource', 'fields');
    const detail = opts.detailPath || boolParam(req, 'detail') === true;
    const page = pageParams(req, SORT_KEYS);
    const nodeIdent = opts.nodeParam ? identParam(req) : param(req, 'node');
    const filter: PortgroupFilter = {
      node_uuid: nodeIdent ? (await nodes.getNode(nodeIdent)).uuid : undefined,
      address: param(req, 'address'),
      limit: page.limit,
      marker: page.marker,
      sort_key: page.sort_key as PortgroupFilter['sort_key'],
      sort_dir: page.sort_dir,
    };
    const found = await store.listPortgroups(filter);
    const base = baseUrl(req);
    const path = req.routeOptions.url!.replace(':ident', nodeIdent ?? '');
    const next = nextLink(base, path, req, found, page.limit);
    const out = found.map((pg) => portgroupView(pg, v, base, { detail, fields }));
    return next ? { portgroups: out, next } : { portgroups: out };
  };

  app.get('/v1/portgroups', { schema: { summary: 'List port groups (filters: node, address)', tags } }, list({ detailPath: false, nodeParam: false }));
  app.get('/v1/portgroups/detail', { schema: { summary: 'List port groups with every field', tags } }, list({ detailPath: true, nodeParam: false }));
  app.get('/v1/nodes/:ident/portgroups', { schema: { summary: "A node's port groups", tags } }, list({ detailPath: false, nodeParam: true }));
  app.get('/v1/nodes/:ident/portgroups/detail', { schema: { summary: "A node's port groups with every field", tags } }, list({ detailPath: true, nodeParam: true }));

  app.get('/v1/portgroups/:ident', { schema: { summary: 'Show a port group (by UUID or name)', tags } }, async (req) => {
    gate(req);
    const fields = parseFields(param(req, 'fields'), 'portgroup', req.apiVersion);
    return portgroupView(await store.getPortgroup(portgroupIdent(identParam(req))), req.apiVersion, baseUrl(req), { detail: true, fields });
  });

  app.post('/v1/portgroups', { schema: { summary: 'Create a port group', tags } }, async (req, reply) => {
    gate(req);
    const body = objectBody(req);
    const unknown = Object.keys(body).filter((k) => !WRITABLE.includes(k));
    if (unknown.length) throw invalid(`Schema error for portgroup: Additional properties are not allowed (${unknown.map((k) => `'${k}'`).join(', ')} ${unknown.length > 1 ? 'were' : 'was'} unexpected)`, unknown[0]);
    for (const [k, value] of Object.entries(body)) refuseLaterField(req, 'portgroup', k, value);
    if (body.node_uuid === undefined) throw invalid("Schema error for portgroup: 'node_uuid' is a required property", 'node_uuid');
    if (body.uuid !== undefined && body.uuid !== null && (typeof body.uuid !== 'string' || !isUuid(body.uuid))) throw invalid(`Expected UUID for uuid: ${String(body.uuid)}`, 'uuid');
    const pg = await store.transaction(async (tx) => {
      const node = await bodyNode(tx, body.node_uuid);
      const record: PortgroupRecord = {
        uuid: typeof body.uuid === 'string' ? body.uuid.toLowerCase() : newUuid(),
        name: checkName(body.name, 'Cannot create portgroup with invalid name'),
        node_uuid: node.uuid,
        address: body.address === undefined ? null : checkAddress(body.address),
        extra: dictField('extra', body.extra),
        internal_info: {},
        mode: body.mode === undefined ? DEFAULT_MODE : checkMode(body.mode),
        properties: dictField('properties', body.properties),
        standalone_ports_supported: body.standalone_ports_supported === undefined ? true : checkBool(body.standalone_ports_supported),
        created_at: now(),
        updated_at: null,
      };
      await tx.insertPortgroup(record);
      return record;
    });
    const base = baseUrl(req);
    reply.code(201).header('Location', `${base}/v1/portgroups/${pg.uuid}`);
    return portgroupDetail(pg, req.apiVersion, base);
  });

  app.patch('/v1/portgroups/:ident', { schema: { summary: 'Update a port group with a JSON Patch (RFC 6902)', tags } }, async (req) => {
    gate(req);
    const ident = portgroupIdent(identParam(req));
    const ops = asPatch(req.body);
    for (const op of ops) {
      const top = parsePointer(op.path)[0]!;
      // A later field is 406 before it is anything else, as Ironic checks mode and properties first.
      const e = findEntry('field', 'portgroup', top);
      if (e && op.op !== 'test') refuseBelow(req, e, `The portgroup field ${top}`);
      if (!PATCHABLE.includes(top)) throw invalid(`Cannot patch ${op.path}. Only the following can be updated: ${PATCHABLE.join(', ')}`, op.path);
    }
    const updated = await store.transaction(async (tx) => {
      const current = await tx.getPortgroup(ident);
      const before: Record<string, unknown> = {};
      for (const f of PATCHABLE) before[f] = current[f as keyof PortgroupRecord];
      const after = applyPatch(before, ops) as Record<string, unknown>;
      if (!('mode' in after)) throw invalid("'mode' is a mandatory attribute and can not be removed", 'mode');
      if (!('node_uuid' in after)) throw invalid("'node_uuid' is a mandatory attribute and can not be removed", 'node_uuid');
      const change: PortgroupChange = {};
      if (after.name !== current.name) change.name = checkName(after.name, `Portgroup ${ident}: Cannot change name to invalid name`);
      if (after.address !== current.address) change.address = after.address === undefined ? null : checkAddress(after.address);
      if (JSON.stringify(after.extra) !== JSON.stringify(current.extra)) change.extra = dictField('extra', after.extra);
      if (JSON.stringify(after.properties) !== JSON.stringify(current.properties)) change.properties = dictField('properties', after.properties);
      if (after.mode !== current.mode) change.mode = checkMode(after.mode);
      if (after.standalone_ports_supported !== current.standalone_ports_supported) {
        change.standalone_ports_supported = after.standalone_ports_supported === undefined ? true : checkBool(after.standalone_ports_supported);
      }
      let node = await tx.getNode(current.node_uuid);
      if (after.node_uuid !== current.node_uuid) {
        node = await bodyNode(tx, after.node_uuid);
        if (node.uuid !== current.node_uuid) {
          // Ironic's update_portgroup: a group changes node only while that node is not in use, and empty.
          if (!REASSIGN_STATES.includes(node.provision_state) && !node.maintenance) {
            throw new EngineError('Conflict', `Portgroup ${current.uuid} can not be associated to node ${node.uuid} unless the node is in a ${REASSIGN_STATES.join(', ')} state or in maintenance mode.`, 'node_uuid');
          }
          if (await tx.portgroupHasPorts(current.uuid)) {
            throw invalid(`Portgroup ${current.uuid} can not be associated with node ${node.uuid} because there are ports associated with this portgroup.`, 'node_uuid');
          }
          change.node_uuid = node.uuid;
        }
      }
      checkUnlocked(node);
      return Object.keys(change).length ? tx.updatePortgroup(current.uuid, change) : current;
    });
    return portgroupDetail(updated, req.apiVersion, baseUrl(req));
  });

  app.delete('/v1/portgroups/:ident', { schema: { summary: 'Delete a port group (refused while it has ports)', tags } }, async (req, reply) => {
    gate(req);
    const ident = portgroupIdent(identParam(req));
    await store.transaction(async (tx) => {
      const pg = await tx.getPortgroup(ident);
      checkUnlocked(await tx.getNode(pg.node_uuid));
      await tx.deletePortgroup(pg.uuid);
    });
    return reply.code(204).send();
  });
}
