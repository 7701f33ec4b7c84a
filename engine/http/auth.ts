// Optional bearer tokens: who the caller is (a role, and the project a project-scoped token belongs to).
// What each caller may do is policy.ts's. The agent's endpoints, boot files and version discovery stay
// open: the ramdisk and the boot loader have no API credentials (the agent proves itself with its
// per-deploy token instead).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Whoami } from '../generated/whoami.js';
import type { Role, TokenEntry } from '../generated/tokens.js';
import { sendError } from './errors.js';
import { isAgentPath, isDiscoveryPath, pathOf } from './context.js';

export type { Role, TokenEntry };
export interface AuthOptions {
  mode: 'none' | 'token';
  /** schemas/tokens.schema.json: without a project a token is system-scoped (admin or reader). */
  tokens: TokenEntry[];
}

/** Who made a request: its token's role, and its project (null: system scope). */
export interface Caller {
  role: Role;
  project: string | null;
}
/** Without auth everyone is a system admin, as before tokens had projects. */
const SYSTEM_ADMIN: Caller = { role: 'admin', project: null };

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
    /** Who presented the token (set by the auth hook; undefined on open paths and without auth). */
    caller?: Caller;
  }
}

/**
 * GET /v1/auth/whoami (ironplan's own): the caller's role and project as the policy (policy.ts) treats
 * them, so a client (the console) can show or hide what it may do without trying a write. Without a valid token it is a
 * 401 like any other call; without auth everyone is an admin.
 */
function registerWhoami(app: FastifyInstance, mode: AuthOptions['mode']): void {
  app.get('/v1/auth/whoami', { schema: { summary: "The caller's role, its project (absent: system scope) and whether the service asks for tokens (ironplan)", tags: ['auth'], responses: { 200: { $ref: 'whoami.schema.json' } } } }, async (req): Promise<Whoami> => {
    const caller = mode === 'none' ? SYSTEM_ADMIN : req.caller!;
    return caller.project === null ? { role: caller.role, auth: mode } : { role: caller.role, project: caller.project, auth: mode };
  });
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
    req.caller = { role: match.role, project: match.project ?? null };
  });
}
