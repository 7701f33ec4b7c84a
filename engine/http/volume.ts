// Ironic v1 volume resources (API 1.32): /v1/volume, its connectors and targets, and a node's
// (/v1/nodes/{node}/volume/...). Created by the API service itself, as Ironic's API creates them; changed
// and deleted through the node's manager, which holds the node's lock and needs it powered off
// (engine/conductor/volume.ts). The storage interface is noop: ironplan records them, nothing attaches.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EngineError, invalid } from '../errors.js';
import { isUuid, newUuid } from '../ids.js';
import { assertValid } from '../validation.js';
import { now } from '../store/store.js';
import * as rows from '../store/volume.js';
import { baseUrl, boolParam, identParam, param, type HttpContext } from './context.js';
import { nextLink, pageParams } from './list.js';
import { applyPatch, patchOf } from './jsonpatch.js';
import { atVersion, links, parseFields, pick } from './repr.js';
import { checkQuery, requireVersion } from './version.js';

type Kind = rows.VolumeKind;

/** What differs between connectors and targets, as Ironic's two controllers have it. */
const KINDS = {
  connector: {
    path: 'connectors',
    collection: 'volume_connectors',
    field: 'volume_connector',
    schema: 'volume-connector-create.schema.json',
    patchable: ['connector_id', 'extra', 'node_uuid', 'type'],
    listFields: ['uuid', 'node_uuid', 'type', 'connector_id', 'links'],
    sortKeys: ['uuid', 'type', 'connector_id', 'node_uuid', 'created_at', 'updated_at'],
    jsonObjects: ['extra'],
  },
  target: {
    path: 'targets',
    collection: 'volume_targets',
    field: 'volume_target',
    schema: 'volume-target-create.schema.json',
    patchable: ['boot_index', 'extra', 'node_uuid', 'properties', 'volume_id', 'volume_type'],
    listFields: ['uuid', 'node_uuid', 'volume_type', 'boot_index', 'volume_id', 'links'],
    sortKeys: ['uuid', 'volume_type', 'volume_id', 'boot_index', 'node_uuid', 'created_at', 'updated_at'],
    jsonObjects: ['extra', 'properties'],
  },
} as const;


function detail(kind: Kind, rec: rows.VolumeRecords[Kind], v: number, base: string): Record<string, unknown> {
  return atVersion({ ...rec, links: links(base, `volume/${KINDS[kind].path}/${rec.uuid}`) }, KINDS[kind].field, v);
}

/** The record of the URL: volume connectors and targets are named by UUID only (400 otherwise). */
function uuidParam(req: FastifyRequest, kind: Kind): string {
  const uuid = identParam(req, 'uuid');
  if (!isUuid(uuid)) throw invalid(`Expected a UUID for the volume ${kind} but received ${uuid}.`, 'uuid');
  return uuid.toLowerCase();
}

const gate = (req: FastifyRequest) => requireVersion(req, 'endpoint', 'v1', '/v1/volume', 'Volume');

export function registerVolumeRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const { store, manager, nodes } = ctx.engine;
  const tags = ['volume'];

  /** A node named in a body: 400 if there is none, as Ironic's InvalidInput on node_uuid. */
  const existingNode = async (uuid: string): Promise<void> => {
    if (!(await store.findNode(uuid))) throw invalid(`Invalid value '${uuid}' for node_uuid: no such node`, 'node_uuid');
  };

  const index = (base: string, prefix: string) => ({
    connectors: links(base, `${prefix}/connectors`),
    targets: links(base, `${prefix}/targets`),
    links: links(base, prefix),
  });
  app.get('/v1/volume', { schema: { summary: 'The volume resources', tags } }, async (req) => {
    gate(req);
    return index(baseUrl(req), 'volume');
  });
  app.get('/v1/nodes/:ident/volume', { schema: { summary: "A node's volume resources", tags } }, async (req) => {
    gate(req);
    const node = await nodes.getNode(identParam(req));
    return index(baseUrl(req), `nodes/${node.uuid}/volume`);
  });

  for (const kind of ['connector', 'target'] as const) {
    const k = KINDS[kind];

    const list = (byNode: boolean) => async (req: FastifyRequest) => {
      gate(req);
      checkQuery(req, k.collection);
      const v = req.apiVersion;
      const fields = parseFields(param(req, 'fields'), k.field, v);
      const wantDetail = boolParam(req, 'detail') === true;
      if (wantDetail && fields) throw invalid('Can not specify ?detail=True and fields in the same request.', 'fields');
      const p = pageParams(req, k.sortKeys);
      const ident = byNode ? identParam(req) : param(req, 'node');
      let nodeUuid: string | undefined;
      if (ident) {
        const n = await store.findNode(ident);
        // Ironic: the node of the URL is a 404, the one of ?node= a 400.
        if (!n) throw byNode ? new EngineError('NotFound', `Node ${ident} could not be found.`) : invalid(`Node ${ident} could not be found.`, 'node');
        nodeUuid = n.uuid;
      }
      const found = await rows.listVolumes(store.db, kind, { ...p, node_uuid: nodeUuid });
      const base = baseUrl(req);
      const path = byNode ? `/v1/nodes/${identParam(req)}/volume/${k.path}` : `/v1/volume/${k.path}`;
      const next = nextLink(base, path, req, found, p.limit);
      const out = found.map((r) => {
        const full = detail(kind, r, v, base);
        return fields ? pick(full, fields) : wantDetail ? full : pick(full, k.listFields);
      });
      return next ? { [k.path]: out, next } : { [k.path]: out };
    };
    app.get(`/v1/volume/${k.path}`, { schema: { summary: `List volume ${kind}s (?node, ?detail, ?fields)`, tags } }, list(false));
    app.get(`/v1/nodes/:ident/volume/${k.path}`, { schema: { summary: `A node's volume ${kind}s`, tags } }, list(true));

    app.get(`/v1/volume/${k.path}/:uuid`, { schema: { summary: `Show a volume ${kind}`, tags } }, async (req) => {
      gate(req);
      const fields = parseFields(param(req, 'fields'), k.field, req.apiVersion);
      const full = detail(kind, await rows.getVolume(store.db, kind, uuidParam(req, kind)), req.apiVersion, baseUrl(req));
      return fields ? pick(full, fields) : full;
    });

    app.post(`/v1/volume/${k.path}`, { schema: { summary: `Create a volume ${kind}`, tags } }, async (req, reply) => {
      gate(req);
      const body = assertValid<Record<string, unknown>>(k.schema, req.body ?? {});
      await existingNode(String(body.node_uuid));
      const rec = { ...body, uuid: typeof body.uuid === 'string' ? body.uuid.toLowerCase() : newUuid(), created_at: now(), updated_at: null } as Record<string, unknown>;
      for (const f of k.jsonObjects) rec[f] = body[f] ?? {};
      await store.transaction((tx) => rows.insertVolume(tx.db, kind, rec as unknown as rows.VolumeRecords[typeof kind]));
      const base = baseUrl(req);
      reply.code(201).header('Location', `${base}/v1/volume/${k.path}/${String(rec.uuid)}`);
      return detail(kind, rec as unknown as rows.VolumeRecords[typeof kind], req.apiVersion, base);
    });

    app.patch(`/v1/volume/${k.path}/:uuid`, { schema: { summary: `Change a volume ${kind} with a JSON Patch (its node powered off)`, tags } }, async (req) => {
      gate(req);
      const uuid = uuidParam(req, kind);
      const ops = patchOf(req.body, k.patchable);
      const current = (await rows.getVolume(store.db, kind, uuid)) as unknown as Record<string, unknown>;
      const before = Object.fromEntries(k.patchable.map((f) => [f, current[f]]));
      const after = applyPatch(before, ops) as Record<string, unknown>;
      for (const f of k.jsonObjects) after[f] ??= {};
      assertValid(k.schema, after);
      if (after.node_uuid !== current.node_uuid) await existingNode(String(after.node_uuid));
      const change = Object.fromEntries(k.patchable.filter((f) => JSON.stringify(after[f]) !== JSON.stringify(current[f])).map((f) => [f, after[f]]));
      const updated = await manager.updateVolume(kind, uuid, change, 'api');
      return detail(kind, updated, req.apiVersion, baseUrl(req));
    });

    app.delete(`/v1/volume/${k.path}/:uuid`, { schema: { summary: `Delete a volume ${kind} (its node powered off)`, tags } }, async (req, reply) => {
      gate(req);
      await manager.deleteVolume(kind, uuidParam(req, kind), 'api');
      return reply.code(204).send();
    });
  }
}
