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
import { registerNodeRoutes } from './nodes.js';
import { registerNodeActionRoutes } from './node-actions.js';
import { registerPortRoutes } from './ports.js';
import { registerChassisRoutes } from './chassis.js';
import { registerPortgroupRoutes } from './portgroups.js';
import { registerVifRoutes } from './vifs.js';
import { registerDriverRoutes } from './drivers.js';
import { registerAgentRoutes } from './agent.js';
import { registerBootRoutes } from './boot.js';
import { registerConductorRoutes } from './conductors.js';
import { registerDeclarativeRoutes } from './declarative.js';
import { registerEventRoutes } from './events.js';
import { registerAllocationRoutes } from './allocations.js';
import { registerDeployTemplateRoutes } from './deploy-templates.js';
import { registerVolumeRoutes } from './volume.js';
import { registerMetrics } from './metrics.js';
import { collectRoutes, registerOpenApi } from './openapi.js';

export interface ServerOptions {
  auth?: AuthOptions;
  /** true for JSON logs at info, an object of pino options, a pino logger, or false. */
  logger?: boolean | object;
  /** Directory served under /boot/ (default: the engine's settings.bootRoot). */
  bootRoot?: string;
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

export async function buildServer(engine: Engine, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...loggerOptions(opts.logger),
    requestIdHeader: 'x-openstack-request-id',
    genReqId: () => `req-${randomUUID()}`,
    bodyLimit: 32 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const ctx: HttpContext = { engine, bootRoot: opts.bootRoot ?? engine.settings.bootRoot };

  // OpenStack clients send Content-Type: application/json on bodiless DELETEs too; that is no body, not an error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
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

  const routes = collectRoutes(app);
  registerErrorHandling(app);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('X-OpenStack-Request-Id', req.id);
  });
  registerVersioning(app);
  registerAuth(app, opts.auth);
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
  registerAgentRoutes(app, ctx);
  registerBootRoutes(app, ctx);
  registerDeclarativeRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerAllocationRoutes(app, ctx);
  registerDeployTemplateRoutes(app, ctx);
  registerVolumeRoutes(app, ctx);
  registerOpenApi(app, routes);

  await app.ready();
  return app;
}
