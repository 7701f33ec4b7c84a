// The API ↔ manager transport: JSON-RPC 2.0 over HTTP, as Ironic's `json_rpc` (no broker to run; each
// manager listens, the API calls the owner of a node). Chosen over gRPC because every method is a plain
// JSON request/response (no streaming: events travel through the database), it is readable with curl,
// and fastify (server) and fetch (client) are already here. Every call carries a shared secret
// (`Authorization: Bearer`), compared in constant time; a call without it is refused before dispatch.
// With --tls-cert/--tls-key the listener speaks HTTPS, and with --tls-client-ca it requires a client
// certificate from that CA (mutual TLS): the secret then is no longer the only thing between the network
// and every BMC password.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { describeTlsError, serverTlsOptions, tlsFetch, type TlsClientFiles, type TlsFetch, type TlsServerFiles } from '../secrets/tls.js';
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
export async function startRpcServer(opts: { host: string; port: number; secret: string; methods: RpcMethods; tls?: TlsServerFiles; log?: { warn(o: object, m: string): void } }): Promise<{ app: FastifyInstance; url: string }> {
  const app = (opts.tls
    ? Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024, https: serverTlsOptions(opts.tls) })
    : Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 })) as unknown as FastifyInstance;
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
  return { app, url: `${opts.tls ? 'https' : 'http'}://${opts.host}:${port}${RPC_PATH}` };
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

/**
 * How this process reaches managers: one TLS identity per process (the CA it trusts, the client
 * certificate it presents), set once at start by the process's composition (engine.ts), as the RPC
 * secret is.
 */
let rpcFetch: TlsFetch = fetch;
export function useRpcClientTls(files: TlsClientFiles | undefined): void {
  rpcFetch = files && (files.ca || files.cert) ? tlsFetch(files) : fetch;
}

/** Why a connection failed, from undici's cause chain (TLS failures said plainly). */
function connectFailure(url: string, err: Error & { cause?: { code?: string; message?: string; cause?: { code?: string } } }): string {
  const code = err.cause?.code ?? err.cause?.cause?.code;
  // With TLS 1.3 the server checks the client's certificate after the client's handshake is done: a
  // refusal reaches the client as the socket closing under its first request.
  if (url.startsWith('https:') && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code?.startsWith('ERR_SSL_'))) {
    return `${code}: the manager closed the TLS connection; it requires a client certificate from its CA (--tls-cert/--tls-key with a certificate its --tls-client-ca issued)`;
  }
  return describeTlsError(code) ?? code ?? err.cause?.message ?? err.message;
}

/** One JSON-RPC call; application errors come back as the EngineError the manager raised. */
export async function rpcCall<T>(url: string, secret: string, method: string, params: unknown, timeoutMs: number): Promise<T> {
  let res: Response;
  try {
    res = await rpcFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    throw new ManagerUnreachable(url, e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : connectFailure(url, e));
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
