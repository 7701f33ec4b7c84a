// The API ↔ manager transport: JSON-RPC 2.0 over HTTP, as Ironic's `json_rpc` (no broker to run; each
// manager listens, the API calls the owner of a node). Chosen over gRPC because every method is a plain
// JSON request/response (no streaming: events travel through the database), it is readable with curl,
// and fastify (server) and fetch (client) are already here. Every call carries a shared secret
// (`Authorization: Bearer`), compared in constant time; a call without it is refused before dispatch.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { DriverError } from '../../contract/types.js';
import { EngineError, type ErrorCode } from '../errors.js';

export type RpcMethods = Record<string, (params: any) => Promise<unknown>>;

/** JSON-RPC's own codes, and the one we use for an application error (its data names the EngineError). */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const APPLICATION_ERROR = -32000;
const UNAUTHORIZED = -32001;

interface RpcErrorData {
  /** The EngineError code, or Internal for a failure that is the service's, not the caller's. */
  error: ErrorCode | 'Internal';
  field?: string;
}

export const RPC_PATH = '/rpc';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toRpcError(err: unknown): { code: number; message: string; data: RpcErrorData } {
  if (err instanceof EngineError) return { code: APPLICATION_ERROR, message: err.message, data: { error: err.code, field: err.field } };
  if (err instanceof DriverError) return { code: APPLICATION_ERROR, message: err.message, data: { error: 'DriverError', field: err.field } };
  return { code: APPLICATION_ERROR, message: err instanceof Error ? err.message : String(err), data: { error: 'Internal' } };
}

/** A manager's RPC listener: POST /rpc with one JSON-RPC request (batches are not used by our client). */
export async function startRpcServer(opts: { host: string; port: number; secret: string; methods: RpcMethods; log?: { warn(o: object, m: string): void } }): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  app.post(RPC_PATH, async (req, reply) => {
    const auth = req.headers.authorization ?? '';
    const body = req.body as { jsonrpc?: string; id?: unknown; method?: unknown; params?: unknown } | undefined;
    const id = body && typeof body === 'object' ? (body.id ?? null) : null;
    if (!auth.startsWith('Bearer ') || !sameSecret(auth.slice(7), opts.secret)) {
      reply.code(401);
      return { jsonrpc: '2.0', id, error: { code: UNAUTHORIZED, message: 'RPC call without the shared secret refused' } };
    }
    if (!body || typeof body !== 'object' || body.jsonrpc !== '2.0' || typeof body.method !== 'string') {
      return { jsonrpc: '2.0', id, error: { code: INVALID_REQUEST, message: 'not a JSON-RPC 2.0 request' } };
    }
    const fn = Object.hasOwn(opts.methods, body.method) ? opts.methods[body.method] : undefined;
    if (!fn) return { jsonrpc: '2.0', id, error: { code: METHOD_NOT_FOUND, message: `no RPC method "${body.method}"` } };
    try {
      const result = await fn(body.params ?? {});
      return { jsonrpc: '2.0', id, result: result ?? null };
    } catch (err) {
      return { jsonrpc: '2.0', id, error: toRpcError(err) };
    }
  });
  app.setErrorHandler((err, _req, reply) => {
    reply.code(200).send({ jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message: err instanceof Error ? err.message : String(err) } });
  });
  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return { app, url: `http://${opts.host}:${port}${RPC_PATH}` };
}

/** Raised when the manager could not be reached at all: the caller may re-route once the ring changes. */
export class ManagerUnreachable extends Error {
  constructor(
    readonly url: string,
    cause: string,
  ) {
    super(`manager at ${url} did not answer: ${cause}`);
    this.name = 'ManagerUnreachable';
  }
}

let nextId = 1;

/** One JSON-RPC call; application errors come back as the EngineError the manager raised. */
export async function rpcCall<T>(url: string, secret: string, method: string, params: unknown, timeoutMs: number): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    throw new ManagerUnreachable(url, e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message));
  }
  const body = (await res.json().catch(() => null)) as { result?: T; error?: { code: number; message: string; data?: RpcErrorData } } | null;
  if (!body) throw new ManagerUnreachable(url, `HTTP ${res.status} without a JSON-RPC answer`);
  if (body.error) {
    if (body.error.code === UNAUTHORIZED) throw new EngineError('Forbidden', `RPC to ${url} refused: ${body.error.message}`);
    const d = body.error.data;
    if (!d || d.error === 'Internal') throw new Error(`manager at ${url} failed: ${body.error.message}`);
    throw new EngineError(d.error, body.error.message, d.field);
  }
  return body.result as T;
}
