// The HTTP service: Ironic's v1 API (so the `baremetal` CLI works), the agent's call-backs, boot files,
// and the declarative API. Routes reach the manager only through the Engine/Conductor methods.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ValidateFunction } from 'ajv';
import type { Engine } from '../engine.js';
import { EngineError } from '../errors.js';
import { sharedAjv } from '../validation.js';
import type { HttpContext } from './context.js';
import { registerErrorHandling } from './errors.js';
import { registerVersioning, registerVersionRoutes } from './version.js';
import { baseUrl } from './context.js';
import { registerAuth, type AuthOptions } from './auth.js';
import { registerPolicy } from './policy.js';
import { registerNodeRoutes } from './nodes.js';
import { registerNodeActionRoutes } from './node-actions.js';
import { registerPortRoutes } from './ports.js';
import { registerChassisRoutes } from './chassis.js';
import { registerPortgroupRoutes } from './portgroups.js';
import { registerVifRoutes } from './vifs.js';
import { registerDriverRoutes } from './drivers.js';
import { registerAgentRoutes } from './agent.js';
import type { RateLimit } from './rate-limit.js';
import { registerBootRoutes } from './boot.js';
import { registerConductorRoutes } from './conductors.js';
import { registerDeclarativeRoutes } from './declarative.js';
import { registerEventRoutes } from './events.js';
import { registerAllocationRoutes } from './allocations.js';
import { registerDeployTemplateRoutes } from './deploy-templates.js';
import { registerVolumeRoutes } from './volume.js';
import { registerMetrics } from './metrics.js';
import { collectRoutes, registerOpenApi } from './openapi.js';
import { serverTlsOptions, type TlsServerFiles } from '../secrets/tls.js';
import { DEFAULT_LIMITS, LARGE_BODY_ROUTES, jsonDepth, serverLimitOptions, type RequestLimits } from './limits.js';
import { registerUiRoutes } from './ui.js';

export interface ServerOptions {
  auth?: AuthOptions;
  /** true for JSON logs at info, an object of pino options, a pino logger, or false. */
  logger?: boolean | object;
  /** Directory served under /boot/ (default: the engine's settings.bootRoot). */
  bootRoot?: string;
  /** HTTPS with this certificate and key (and, with clientCa, only for clients holding a certificate from it). */
  tls?: TlsServerFiles;
  /** The agent lookup's per-address token bucket (default: burst 20, then 5 a second). */
  agentLookupLimit?: RateLimit;
  /** Told of every route as it is registered (the fuzzer fuzzes what is there, HEAD and wildcards included). */
  onRoute?: (route: { method: string; url: string }) => void;
  /** Body size, JSON depth, header size and slow-client timeouts (defaults in limits.ts). */
  limits?: RequestLimits;
}

/** Logged objects never carry driver_info (BMC passwords) or agent tokens, at any depth we log. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  ...['driver_info', 'agent_token', 'agent_secret_token', 'configdrive'].flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];

function loggerOptions(logger: ServerOptions['logger']): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (!logger) return { logger: false };
  const given = logger as { child?: (bindings: object, options: object) => unknown };
  if (typeof given.child === 'function') {
    // A logger handed in (the CLI's) gets the same redaction through a child.
    return { loggerInstance: given.child({}, { redact: { paths: REDACT_PATHS, censor: '******' } }) as FastifyServerOptions['loggerInstance'] };
  }
  const base = logger === true ? {} : (logger as Record<string, unknown>);
  return { logger: { level: 'info', ...base, redact: { paths: REDACT_PATHS, censor: '******' } } };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route changes nothing although its method is not GET (a dry run posting its input): readers may call it. */
    readOnly?: boolean;
  }
}

/** Validation with the engine's own ajv holding every shared schema, so a $ref names the same file. */
function validatorCompiler({ schema, httpPart }: { schema: object; httpPart?: string }) {
  const fn = sharedAjv().compile(schema) as ValidateFunction;
  if (httpPart !== 'body') return fn;
  // A missing body is checked by the handler (most bodies are optional); ajv would see null.
  const wrapped = ((data: unknown) => {
    if (data === null || data === undefined) return true;
    const ok = fn(data);
    wrapped.errors = fn.errors;
    return ok;
  }) as ((data: unknown) => boolean) & { errors?: ValidateFunction['errors'] };
  return wrapped;
}

function newApp(opts: ServerOptions): FastifyInstance {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const app = Fastify({
    ...loggerOptions(opts.logger),
    requestIdHeader: 'x-openstack-request-id',
    genReqId: () => `req-${randomUUID()}`,
    ...serverLimitOptions(limits),
    routerOptions: { ignoreTrailingSlash: true },
    // The routes do not care which server type carries them: typed as the plain HTTP instance either way.
    ...((opts.tls ? { https: serverTlsOptions(opts.tls) } : {}) as object),
  }) as unknown as FastifyInstance;
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    if (r.bodyLimit === undefined && methods.some((m) => LARGE_BODY_ROUTES.has(`${m} ${r.url}`))) r.bodyLimit = limits.largeBodyLimit;
  });

  // OpenStack clients send Content-Type: application/json on bodiless DELETEs too; that is no body, not an error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    // JSON.parse copes with any depth, but every walker after it (validation, patching, storing) recurses.
    if (jsonDepth(text, limits.maxJsonDepth) > limits.maxJsonDepth) {
      return done(new EngineError('InvalidParameter', `The request body nests deeper than the limit of ${limits.maxJsonDepth} levels.`), undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new EngineError('InvalidParameter', `The request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
  // python-ironicclient labels its empty DELETE bodies application/octet-stream.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    const err = new Error(`Unsupported Media Type: ${String(req.headers['content-type'])}; send application/json`) as Error & { statusCode: number };
    err.statusCode = 415;
    done(err, undefined);
  });
  app.setValidatorCompiler(validatorCompiler);
  return app;
}

/**
 * The deploy agent's way in alone (lookup, heartbeat, boot files) on a listener of its own: plain HTTP on
 * the provisioning network while the API proper speaks HTTPS, for ramdisks built without a CA and firmware iPXE that cannot trust one
 * (README, Security). Nothing else of the API answers here.
 */
export async function buildAgentServer(engine: Engine, opts: Omit<ServerOptions, 'tls' | 'auth'> = {}): Promise<FastifyInstance> {
  const app = newApp(opts);
  const ctx: HttpContext = { engine, bootRoot: opts.bootRoot ?? engine.settings.bootRoot };
  registerErrorHandling(app);
  registerAgentRoutes(app, ctx, opts.agentLookupLimit);
  registerBootRoutes(app, ctx);
  await app.ready();
  return app;
}

export async function buildServer(engine: Engine, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = newApp(opts);
  const ctx: HttpContext = { engine, bootRoot: opts.bootRoot ?? engine.settings.bootRoot };
  const routes = collectRoutes(app);
  const onRoute = opts.onRoute;
  if (onRoute) app.addHook('onRoute', (r) => (Array.isArray(r.method) ? r.method : [r.method]).forEach((method) => onRoute({ method, url: r.url })));
  registerErrorHandling(app);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-OpenStack-Request-Id', req.id);
  });
  registerVersioning(app);
  registerAuth(app, opts.auth);
  registerPolicy(app, ctx);
  registerMetrics(app, ctx);

  registerVersionRoutes(app, baseUrl);
  registerNodeRoutes(app, ctx);
  registerNodeActionRoutes(app, ctx);
  registerPortRoutes(app, ctx);
  registerChassisRoutes(app, ctx);
  registerPortgroupRoutes(app, ctx);
  registerVifRoutes(app, ctx);
  registerDriverRoutes(app, ctx);
  registerConductorRoutes(app, ctx);
  registerAgentRoutes(app, ctx, opts.agentLookupLimit);
  registerBootRoutes(app, ctx);
  registerDeclarativeRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerAllocationRoutes(app, ctx);
  registerDeployTemplateRoutes(app, ctx);
  registerVolumeRoutes(app, ctx);
  registerOpenApi(app, routes);
  registerUiRoutes(app);

  await app.ready();
  return app;
}
