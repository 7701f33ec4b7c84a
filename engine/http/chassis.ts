// Ironic v1 chassis (API 1.1): described groups of nodes. A chassis has no driver, no lock and no manager,
// so the API service writes chassis to the database itself, as Ironic's API does (ctx.engine.store); nodes
// name their chassis through the manager (chassis_uuid on create and PATCH). A chassis's nodes are listed
// by nodes.ts (/v1/chassis/{uuid}/nodes).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ChassisRecord } from '../generated/chassis-record.js';
import { invalid } from '../errors.js';
import { isUuid, newUuid } from '../ids.js';
import { now } from '../store/store.js';
import type { ChassisChange, ChassisFilter } from '../store/chassis.js';
import { baseUrl, boolParam, dictField, identParam, objectBody, param, type HttpContext } from './context.js';
import { nextLink, pageParams } from './list.js';
import { applyPatch, asPatch, parsePointer } from './jsonpatch.js';
import { chassisDetail, chassisView, parseFields } from './repr.js';
import { checkQuery } from './version.js';
import { chassisSchemas } from './openapi-shapes.js';

const SORT_KEYS = ['uuid', 'description', 'created_at', 'updated_at'] as const;
/** What a client may give on create and change by PATCH (Ironic's CHASSIS_SCHEMA). */
const WRITABLE = ['uuid', 'extra', 'description'];


/** The chassis of the URL: chassis are named by UUID only (Ironic answers 400 otherwise). */
function chassisParam(req: FastifyRequest): string {
  const uuid = identParam(req, 'uuid');
  if (!isUuid(uuid)) throw invalid(`Expected UUID for chassis_uuid: ${uuid}`, 'chassis_uuid');
  return uuid.toLowerCase();
}

function checkDescription(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || v.length > 255) throw invalid('description: must be a string of at most 255 characters or null', 'description');
  return v;
}

export function registerChassisRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const store = ctx.engine.store;
  const tags = ['chassis'];

  const list = (detailPath: boolean) => async (req: FastifyRequest) => {
    const v = req.apiVersion;
    checkQuery(req, 'chassis');
    const fields = parseFields(param(req, 'fields'), 'chassis', v);
    if (detailPath && fields) throw invalid('Can not specify ?fields with the /detail resource', 'fields');
    const detail = detailPath || boolParam(req, 'detail') === true;
    const page = pageParams(req, SORT_KEYS);
    const filter: ChassisFilter = { limit: page.limit, marker: page.marker, sort_dir: page.sort_dir, sort_key: page.sort_key as ChassisFilter['sort_key'] };
    const found = await store.listChassis(filter);
    const base = baseUrl(req);
    const next = nextLink(base, detailPath ? '/v1/chassis/detail' : '/v1/chassis', req, found, page.limit);
    const out = found.map((c) => chassisView(c, v, base, { detail, fields }));
    return next ? { chassis: out, next } : { chassis: out };
  };

  app.get('/v1/chassis', { schema: { summary: 'List chassis (Ironic v1)', tags } }, list(false));
  app.get('/v1/chassis/detail', { schema: { summary: 'List chassis with every field', tags } }, list(true));

  app.get('/v1/chassis/:uuid', { schema: { summary: 'Show a chassis', tags } }, async (req) => {
    const fields = parseFields(param(req, 'fields'), 'chassis', req.apiVersion);
    return chassisView(await store.getChassis(chassisParam(req)), req.apiVersion, baseUrl(req), { detail: true, fields });
  });

  app.post('/v1/chassis', { schema: { summary: 'Create a chassis', tags, body: chassisSchemas.create } }, async (req, reply) => {
    const body = objectBody(req);
    const unknown = Object.keys(body).filter((k) => !WRITABLE.includes(k));
    if (unknown.length) throw invalid(`Schema error for chassis: Additional properties are not allowed (${unknown.map((k) => `'${k}'`).join(', ')} ${unknown.length > 1 ? 'were' : 'was'} unexpected)`, unknown[0]);
    const chassis: ChassisRecord = {
      uuid: typeof body.uuid === 'string' ? body.uuid.toLowerCase() : newUuid(),
      description: body.description === undefined ? null : checkDescription(body.description),
      extra: dictField('extra', body.extra),
      created_at: now(),
      updated_at: null,
    };
    await store.transaction((tx) => tx.insertChassis(chassis));
    const base = baseUrl(req);
    reply.code(201).header('Location', `${base}/v1/chassis/${chassis.uuid}`);
    return chassisDetail(chassis, req.apiVersion, base);
  });

  app.patch('/v1/chassis/:uuid', { schema: { summary: 'Update a chassis with a JSON Patch (RFC 6902)', tags } }, async (req) => {
    const uuid = chassisParam(req);
    const ops = asPatch(req.body);
    for (const op of ops) {
      const top = parsePointer(op.path)[0]!;
      if (!WRITABLE.includes(top)) throw invalid(`Cannot patch ${op.path}. Only the following can be updated: ${WRITABLE.join(', ')}`, op.path);
    }
    const updated = await store.transaction(async (tx) => {
      const current = await tx.getChassis(uuid);
      const before = { uuid: current.uuid, description: current.description, extra: current.extra };
      const after = applyPatch(before, ops) as Partial<typeof before>;
      if (after.uuid !== current.uuid) throw invalid('Cannot overwrite UUID for an existing Chassis.', 'uuid');
      const change: ChassisChange = {
        description: after.description === undefined ? null : checkDescription(after.description),
        extra: dictField('extra', after.extra),
      };
      return tx.updateChassis(uuid, change);
    });
    return chassisDetail(updated, req.apiVersion, baseUrl(req));
  });

  app.delete('/v1/chassis/:uuid', { schema: { summary: 'Delete a chassis (refused while it holds nodes)', tags } }, async (req, reply) => {
    const uuid = chassisParam(req);
    await store.transaction((tx) => tx.deleteChassis(uuid));
    return reply.code(204).send();
  });
}
