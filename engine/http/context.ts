// What every route module is given: the engine facade (its conductor is the RPC boundary: routes never
// reach the store) and a few request helpers.
import type { FastifyRequest } from 'fastify';
import type { Engine } from '../engine.js';
import { EngineError } from '../errors.js';

export interface HttpContext {
  engine: Engine;
  /** Directory served under /boot/. */
  bootRoot: string;
}

/** The URL clients reached us by, for links (Ironic builds them from the request's host). */
export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? '127.0.0.1'}`;
}

export type Query = Record<string, string | string[] | undefined>;

/** One query parameter (the first, if repeated). */
export function param(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Query | undefined)?.[name];
  return Array.isArray(v) ? v[0] : v;
}

export function boolParam(req: FastifyRequest, name: string): boolean | undefined {
  const v = param(req, name);
  if (v === undefined || v === '') return undefined;
  const s = v.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off'].includes(s)) return false;
  throw new EngineError('InvalidParameter', `${name}: "${v}" is not a boolean`, name);
}

/** A JSON-object field of a body (extra, properties): absent or null is {}, anything but an object a 400. */
export function dictField(field: string, v: unknown): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new EngineError('InvalidParameter', `${field}: must be a JSON object`, field);
  return v as Record<string, unknown>;
}

/** The request body as an object, or a 400 saying one is expected. */
export function objectBody(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new EngineError('InvalidParameter', 'A JSON object is expected as the request body.');
  return b as Record<string, unknown>;
}

/** A path parameter, as the router already decoded it (decoding again would turn "%25" into a 500). */
export function identParam(req: FastifyRequest, name = 'ident'): string {
  return (req.params as Record<string, string>)[name] ?? '';
}

/** A request URL's path: without its query, and without the trailing slash the router ignores too. */
export function pathOf(url: string): string {
  const path = url.split('?')[0]!;
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Version discovery: what a client reads before it knows a version or has credentials. */
export function isDiscoveryPath(path: string): boolean {
  return path === '/' || path === '/v1';
}

/**
 * The deploy agent's and the boot loader's paths: neither has API credentials (the agent proves itself
 * with its per-deploy token) nor negotiates microversions.
 */
export function isAgentPath(path: string): boolean {
  return path === '/v1/lookup' || path.startsWith('/v1/heartbeat/') || path.startsWith('/boot/');
}
