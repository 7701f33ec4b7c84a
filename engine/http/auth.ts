// Optional bearer tokens: an admin may do anything, a reader only read. The agent's endpoints, boot
// files and version discovery stay open: the ramdisk and the boot loader have no API credentials (the
// agent proves itself with its per-deploy token instead).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Whoami } from '../generated/whoami.js';
import { sendError } from './errors.js';
import { isAgentPath, isDiscoveryPath, pathOf } from './context.js';

export type Role = 'admin' | 'reader';
export interface AuthOptions {
  mode: 'none' | 'token';
  tokens: Array<{ token: string; role: Role }>;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isOpenPath(method: string, url: string): boolean {
  const path = pathOf(url);
  // The console's static files hold no data (it logs in with a token and calls the API like any client);
  // nor does the icon a browser asks for by itself, without the token, beside any page of the service.
  if (isDiscoveryPath(path) || path === '/openapi.json' || path === '/favicon.ico' || path === '/ui' || path.startsWith('/ui/')) return method === 'GET' || method === 'HEAD';
  return isAgentPath(path);
}

/** The token a client presents: Authorization: Bearer (HTTP), or X-Auth-Token (as OpenStack clients send). */
function presented(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  const x = req.headers['x-auth-token'];
  return Array.isArray(x) ? x[0] : x;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The role of the token presented (set by the auth hook; undefined on open paths and without auth). */
    authRole?: Role;
  }
}

/**
 * GET /v1/auth/whoami (ironplan's own): the caller's role as the checks below will treat it, so a client
 * (the console) can show or hide what it may do without trying a write. Without a valid token it is a
 * 401 like any other call; without auth everyone is an admin.
 */
function registerWhoami(app: FastifyInstance, mode: AuthOptions['mode']): void {
  app.get('/v1/auth/whoami', { schema: { summary: "The caller's role (admin or reader) and whether the service asks for tokens (ironplan)", tags: ['auth'], responses: { 200: { $ref: 'whoami.schema.json' } } } }, async (req): Promise<Whoami> => ({
    role: mode === 'none' ? 'admin' : req.authRole!,
    auth: mode,
  }));
}

export function registerAuth(app: FastifyInstance, opts: AuthOptions | undefined): void {
  registerWhoami(app, opts?.mode ?? 'none');
  if (!opts || opts.mode === 'none') return;
  const tokens = opts.tokens.filter((t) => t.token.length > 0);
  app.addHook('onRequest', async (req, reply) => {
    if (isOpenPath(req.method, req.url)) return;
    const token = presented(req);
    const match = token ? tokens.find((t) => sameToken(t.token, token)) : undefined;
    if (!match) {
      reply.header('WWW-Authenticate', 'Bearer realm="ironplan"');
      return sendError(reply, 401, token ? 'The token presented is not valid.' : 'Authentication required: send Authorization: Bearer <token>.');
    }
    req.authRole = match.role;
    // A route marked readOnly changes nothing although it is a POST (a dry-run plan): readers may call it.
    if (match.role !== 'admin' && !READ_METHODS.has(req.method) && !req.routeOptions.config.readOnly) {
      return sendError(reply, 403, `Access was denied: the reader role may not ${req.method} ${pathOf(req.url)}.`);
    }
  });
}
