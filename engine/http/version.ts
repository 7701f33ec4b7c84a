// Ironic's microversions: a client names the API version it speaks in X-OpenStack-Ironic-API-Version and
// the service answers as that version specifies, or 406 with the range it supports (the client then
// negotiates down, which is how python-ironicclient copes with servers older than itself). What each
// version adds is in versions-table.ts; the gates here refuse what a request's version does not have.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EngineError } from '../errors.js';
import { isAgentPath, isDiscoveryPath, pathOf } from './context.js';
import { links } from './repr.js';
import { MAX_VERSION, MIN_VERSION, findEntry, type Entry, type Kind, type Method, type NameOf, type OfKind } from './versions-table.js';

export { MAX_VERSION, MIN_VERSION };
export const HEADER = 'X-OpenStack-Ironic-API-Version';
const minStr = `1.${MIN_VERSION}`;
const maxStr = `1.${MAX_VERSION}`;

/** The minor version of a request, or a 406 naming the supported range. Absent means the minimum, as in Ironic. */
export function parseVersion(raw: string | string[] | undefined): number {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') return MIN_VERSION;
  if (value.trim().toLowerCase() === 'latest') return MAX_VERSION;
  const m = /^\s*(\d+)\.(\d+)\s*$/.exec(value);
  if (!m) throw new NotAcceptable(`Invalid value for ${HEADER} header: "${value}" (expected 1.N or latest).`);
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major !== 1 || minor < MIN_VERSION || minor > MAX_VERSION) {
    throw new NotAcceptable(`Version ${value} was requested but is not supported by this service. The supported version range is: [${minStr}, ${maxStr}].`);
  }
  return minor;
}

export class NotAcceptable extends Error {
  readonly status = 406;
}

/** A refusal with an HTTP status fastify's error handler passes through (405 has no engine error code). */
class StatusError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function refusal(status: number, message: string): Error {
  if (status === 406) return new NotAcceptable(`Request not acceptable: ${message}`);
  if (status === 404) return new EngineError('NotFound', `The resource could not be found: ${message}`);
  if (status === 400) return new EngineError('InvalidParameter', message);
  return new StatusError(status, message);
}

function statusBelow(e: Entry, method: string): number {
  if (typeof e.below === 'number') return e.below;
  // Fields, targets and parameters a version does not have are 406 in a request, as Ironic answers.
  return e.below?.[method as Method] ?? (e.kind === 'endpoint' ? 404 : 406);
}

function versionText(since: number): string {
  return since > MAX_VERSION ? `API version 1.${since}, newer than this service's 1.${MAX_VERSION}` : `API version 1.${since} or later`;
}

/** Refuses a change the request's version does not have, with the status Ironic gives (the row's `below`). */
export function refuseBelow(req: Pick<FastifyRequest, 'apiVersion' | 'method'>, e: Entry, what?: string): void {
  if (req.apiVersion >= e.since || e.support === 'any-version') return;
  throw refusal(statusBelow(e, req.method), `${what ?? `${e.name}`} requires ${versionText(e.since)} (this request is 1.${req.apiVersion}).`);
}

/** The gate of a change named in code: `requireVersion(req, 'endpoint', 'v1', '/v1/nodes/{node}/traits')`. */
export function requireVersion<K extends Kind, O extends OfKind<K>>(req: Pick<FastifyRequest, 'apiVersion' | 'method'>, kind: K, of: O, name: NameOf<K, O>, what?: string): void {
  refuseBelow(req, findEntry(kind, of, name as string)!, what);
}

/** A field of a later version than the request's, given a value (not null): 406, as Ironic refuses it. */
export function refuseLaterField(req: Pick<FastifyRequest, 'apiVersion' | 'method'>, of: OfKind<'field'>, field: string, value: unknown): void {
  const e = findEntry('field', of, field);
  if (e && value !== null && value !== undefined) refuseBelow(req, e, `The ${of} field ${field}`);
}

/** Refuses the query parameters the request's version does not have (Ironic: 406, or 400 for ?detail). */
export function checkQuery(req: FastifyRequest, collection: OfKind<'query'>): void {
  for (const [name, value] of Object.entries((req.query as Record<string, unknown> | undefined) ?? {})) {
    if (value === undefined) continue;
    const e = findEntry('query', collection, name);
    if (!e) continue;
    if (name === 'detail' && statusBelow(e, req.method) === 400 && req.apiVersion < e.since && e.support !== 'any-version') {
      // Ironic's own words for it.
      throw new EngineError('InvalidParameter', `Invalid query parameter ?detail=${String(value)} received (?detail requires ${versionText(e.since)}).`, 'detail');
    }
    refuseBelow(req, e, `?${name}`);
  }
}

/** Whether a request's version has a change (for what a version shows rather than refuses). */
export function versionHas<K extends Kind, O extends OfKind<K>>(req: Pick<FastifyRequest, 'apiVersion'>, kind: K, of: O, name: NameOf<K, O>): boolean {
  return req.apiVersion >= findEntry(kind, of, name as string)!.since;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The negotiated minor version of Ironic's v1 API. */
    apiVersion: number;
  }
}

/** Paths answered whatever the client asks: version discovery, the agent's and the boot loader's, operations. */
function versionless(url: string): boolean {
  const path = pathOf(url);
  return isDiscoveryPath(path) || isAgentPath(path) || path === '/metrics' || path === '/openapi.json';
}

function setRangeHeaders(reply: FastifyReply, minor: number): void {
  reply.header('X-OpenStack-Ironic-API-Minimum-Version', minStr);
  reply.header('X-OpenStack-Ironic-API-Maximum-Version', maxStr);
  reply.header(HEADER, `1.${minor}`);
}

export function registerVersioning(app: FastifyInstance): void {
  app.decorateRequest('apiVersion', MIN_VERSION);
  app.addHook('onRequest', async (req, reply) => {
    let minor = MIN_VERSION;
    try {
      minor = parseVersion(req.headers['x-openstack-ironic-api-version']);
    } catch (err) {
      setRangeHeaders(reply, MIN_VERSION);
      if (!versionless(req.url)) throw err;
    }
    req.apiVersion = minor;
    setRangeHeaders(reply, minor);
  });
}

export function versionDoc(base: string) {
  return {
    id: 'v1',
    links: [{ href: `${base}/v1/`, rel: 'self' }],
    status: 'CURRENT',
    min_version: minStr,
    version: maxStr,
  };
}

export function registerVersionRoutes(app: FastifyInstance, baseUrl: (req: FastifyRequest) => string): void {
  const tags = ['version'];
  app.get('/', { schema: { summary: 'API versions (no authentication)', tags } }, async (req) => {
    const base = baseUrl(req);
    const v = versionDoc(base);
    return { name: 'ironplan', description: 'Declarative bare-metal provisioning with an Ironic-compatible v1 API.', default_version: v, versions: [v] };
  });
  const v1 = async (req: FastifyRequest) => {
    const base = baseUrl(req);
    const out: Record<string, unknown> = {
      id: 'v1',
      links: [{ href: `${base}/v1/`, rel: 'self' }],
      media_types: [{ base: 'application/json', type: 'application/vnd.openstack.ironic.v1+json' }],
    };
    // The resources the request's version has (lookup and heartbeat from 1.22, as Ironic lists them).
    for (const name of ['chassis', 'nodes', 'ports', 'portgroups', 'volume', 'drivers', 'lookup', 'heartbeat', 'conductors', 'allocations', 'events', 'deploy_templates', 'shards'] as const) {
      if (versionHas(req, 'field', 'v1', name)) out[name] = links(base, name);
    }
    out.version = versionDoc(base);
    return out;
  };
  // ignoreTrailingSlash serves /v1/ too.
  app.get('/v1', { schema: { summary: 'The v1 API and its resources (no authentication)', tags } }, v1);
}
