// Ironic's microversions: a client names the API version it speaks in X-OpenStack-Ironic-API-Version and
// the service answers as that version specifies, or 406 with the range it supports (the client then
// negotiates down, which is how python-ironicclient copes with servers older than itself).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EngineError } from '../errors.js';
import { isAgentPath, isDiscoveryPath, pathOf } from './context.js';
import { links } from './repr.js';

/**
 * 1.31: every node has a hardware type with dynamic interfaces (*_interface fields) and starts in enroll;
 * older versions describe classic drivers and nodes born available, which ironplan does not have.
 * 1.37: node traits, the newest feature ironplan implements as specified. 1.38 (rescue) and later add
 * fields and verbs ironplan has no implementation for, so it does not claim them.
 */
export const MIN_VERSION = 31;
export const MAX_VERSION = 37;
export const HEADER = 'X-OpenStack-Ironic-API-Version';
const minStr = `1.${MIN_VERSION}`;
const maxStr = `1.${MAX_VERSION}`;

/** The minor version of a request, or a 406 naming the supported range. Absent means the minimum. */
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

/** A client error for a field or feature that the requested version `v` does not have. */
export function needsVersion(v: number, minor: number, what: string): void {
  if (v < minor) {
    throw new EngineError('InvalidParameter', `${what} requires API version 1.${minor} or later (requested 1.${v}).`);
  }
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
    return {
      id: 'v1',
      links: [{ href: `${base}/v1/`, rel: 'self' }],
      media_types: [{ base: 'application/json', type: 'application/vnd.openstack.ironic.v1+json' }],
      nodes: links(base, 'nodes'),
      ports: links(base, 'ports'),
      drivers: links(base, 'drivers'),
      lookup: links(base, 'lookup'),
      heartbeat: links(base, 'heartbeat'),
      version: versionDoc(base),
    };
  };
  // ignoreTrailingSlash serves /v1/ too.
  app.get('/v1', { schema: { summary: 'The v1 API and its resources (no authentication)', tags } }, v1);
}
