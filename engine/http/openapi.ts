// OpenAPI 3.1 generated from the routes as registered: their schemas are the ones requests are validated
// with, and the shared files under schemas/ become components, so the document cannot drift from the code.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { loadAllSchemas } from '../validation.js';
import { MAX_VERSION, MIN_VERSION } from './version.js';

type Schema = Record<string, unknown>;

// Documentation keys on route schemas (as @fastify/swagger reads them); `responses`, not fastify's
// `response`, so documenting a reply does not also compile a serializer for it.
declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    tags?: string[];
    hide?: boolean;
    responses?: Record<string, unknown>;
  }
}

/** components.schemas name for a schema file id: "drivers/fake.schema.json" → "drivers_fake". */
const componentName = (id: string) => id.replace(/\.schema\.json$/, '').replace(/[^A-Za-z0-9_.-]/g, '_');

/** Rewrites "$ref": "file.schema.json#/definitions/X" (or local "#/definitions/X") to component refs. */
function rewriteRefs(node: unknown, fileId: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, fileId));
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    if (k === '$ref' && typeof v === 'string') {
      const [file, pointer = ''] = v.split('#');
      const target = file ? file : fileId;
      const def = /^\/definitions\/(.+)$/.exec(pointer);
      out.$ref = `#/components/schemas/${componentName(target)}${def ? `.${def[1]}` : ''}`;
    } else if (k !== '$id' && k !== '$schema' && k !== 'definitions') out[k] = rewriteRefs(v, fileId);
  }
  return out;
}

function components(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(loadAllSchemas())) {
    out[componentName(id)] = rewriteRefs(schema, id);
    for (const [name, def] of Object.entries((schema.definitions as Record<string, unknown> | undefined) ?? {})) {
      out[`${componentName(id)}.${name}`] = rewriteRefs(def, id);
    }
  }
  return out;
}

interface RouteDoc {
  method: string;
  url: string;
  schema: Schema;
}

function operation(r: RouteDoc): Schema {
  const s = r.schema;
  const params = [...r.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (r.url.endsWith('*')) params.push({ name: 'path', in: 'path', required: true, schema: { type: 'string' } });
  const query = (s.querystring as Schema | undefined)?.properties as Record<string, Schema> | undefined;
  for (const [name, schema] of Object.entries(query ?? {})) params.push({ name, in: 'query', required: false, schema } as never);
  const op: Schema = { summary: s.summary, tags: s.tags, parameters: params };
  if (s.body && r.method !== 'GET') op.requestBody = { required: true, content: { 'application/json': { schema: rewriteRefs(s.body, '') } } };
  const responses: Schema = {};
  for (const [code, schema] of Object.entries((s.responses as Schema | undefined) ?? {})) {
    responses[code] = { description: `HTTP ${code}`, content: { 'application/json': { schema: rewriteRefs(schema, '') } } };
  }
  responses.default = { description: 'Error: {"error_message": "<JSON of {faultcode, faultstring, debuginfo}>"}' };
  op.responses = responses;
  return op;
}

export function collectRoutes(app: FastifyInstance): RouteDoc[] {
  const routes: RouteDoc[] = [];
  app.addHook('onRoute', (r: RouteOptions) => {
    const schema = (r.schema ?? {}) as Schema;
    if (schema.hide) return;
    // A HEAD beside a GET (in one route or fastify's own) is left out by openApiDocument.
    for (const method of Array.isArray(r.method) ? r.method : [r.method]) routes.push({ method, url: r.url, schema });
  });
  return routes;
}

export function openApiDocument(routes: RouteDoc[]): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const r of routes) {
    if (r.method === 'HEAD' && routes.some((x) => x.url === r.url && x.method === 'GET')) continue;
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\*$/, '{path}');
    (paths[path] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ironplan',
      version: '1',
      description: `Declarative bare-metal provisioning. Ironic v1 compatible (microversions 1.${MIN_VERSION}–1.${MAX_VERSION}, header X-OpenStack-Ironic-API-Version) plus the declarative specs/plans/applies/events API.`,
    },
    components: {
      schemas: components(),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    paths,
  };
}

export function registerOpenApi(app: FastifyInstance, routes: RouteDoc[]): void {
  let doc: Schema | undefined;
  app.get('/openapi.json', { schema: { summary: 'This document', tags: ['operations'] } }, async () => (doc ??= openApiDocument(routes)));
}
