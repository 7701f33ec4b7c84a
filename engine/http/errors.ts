// Errors as Ironic shapes them: {"error_message": "<JSON of {faultcode, faultstring, debuginfo}>"}, the
// string-in-JSON that python-ironicclient unwraps. The status comes from the engine's error codes.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { EngineError } from '../errors.js';
import { DriverError } from '../../contract/types.js';
import { describeError } from '../validation.js';
import { NotAcceptable } from './version.js';
import { pathOf } from './context.js';
import type { ErrorObject } from 'ajv';

export function ironicError(status: number, message: string): { error_message: string } {
  return { error_message: JSON.stringify({ faultcode: status >= 500 ? 'Server' : 'Client', faultstring: message, debuginfo: null }) };
}

export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json').send(ironicError(status, message));
}

/** The database's disk is full: SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100), or the OS's ENOSPC. */
function storageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC';
}

/** The database cannot be reached now: PostgreSQL shutting down or starting (57P0x), a lost connection (08xxx, reset, refused). */
function databaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  return /^(57P0[123]|08\d{3}|ECONNREFUSED|ECONNRESET|EPIPE)$/.test(code) || /^Connection terminated|connection error and is not queryable/.test(String(e?.message ?? ''));
}

/** Status and message for anything a handler throws; unknown errors are 500s whose details stay in the log. */
export function classify(err: unknown): { status: number; message: string; internal: boolean } {
  if (err instanceof EngineError) return { status: err.status, message: err.message, internal: false };
  if (err instanceof NotAcceptable) return { status: 406, message: err.message, internal: false };
  // A driver refusing a request (bad parameter, unsupported device) is the client's to fix.
  if (err instanceof DriverError) return { status: 400, message: err.message, internal: false };
  // Nothing was written (the transaction rolled back); the client may retry once an operator frees space.
  if (databaseUnavailable(err)) return { status: 503, message: 'The database is unavailable (restarting or unreachable); the request may not have been carried out: retry.', internal: false };
  if (storageFull(err)) return { status: 507, message: "Insufficient storage: the database's disk is full, nothing was written; retry once space is freed.", internal: false };
  const fe = err as FastifyError & { validation?: ErrorObject[]; validationContext?: string };
  if (fe.validation?.length) {
    const { field, message } = describeError(fe.validation[0]!, fe.validationContext === 'body' ? '' : (fe.validationContext ?? ''));
    return { status: 400, message: `${field}: ${message}`, internal: false };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return { status: fe.statusCode, message: fe.message, internal: false };
  return { status: 500, message: 'Internal server error; see the service log.', internal: true };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const { status, message, internal } = classify(err);
    if (internal) req.log.error({ err }, 'request failed');
    else if (status >= 500) req.log.error({ status, error: message }, 'request refused');
    else req.log.info({ status, error: message }, 'request refused');
    return sendError(reply, status, message);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `The resource could not be found: ${req.method} ${pathOf(req.url)}`));
}
