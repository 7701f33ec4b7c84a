// The one Redfish HTTP client: a keep-alive connection pool per BMC, a session per BMC and user reused
// across calls (and logged in again when the BMC forgets it: 401), attempts again on connection errors
// and 5xx answers, If-Match with the resource's ETag when the BMC asks for it (412/428), and errors
// that name the BMC's own @Message.ExtendedInfo messages. Every redfish interface shares one instance.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { DriverError, type Logger } from '../types.js';
import type { RedfishConnection } from './driver-info.js';

export type Json = Record<string, any>;

export interface RedfishResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

interface Session {
  token: string;
  /** The session resource, deleted on close(). */
  location?: string;
  conn: RedfishConnection;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export class RedfishClient {
  private readonly pools = new Map<string, Agent>();
  /** Keyed by BMC and credentials (hashed: the key may be logged, the password never). */
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly systems = new Map<string, string>();

  /** GET returning the resource, or a DriverError. */
  async get(conn: RedfishConnection, path: string, log?: Logger): Promise<Json> {
    return (await this.call(conn, 'GET', path, undefined, log)).body;
  }

  async post(conn: RedfishConnection, path: string, body: Json, log?: Logger): Promise<RedfishResponse> {
    return this.call(conn, 'POST', path, body, log);
  }

  /**
   * PATCH; a BMC that insists on If-Match (428 Precondition Required, or 412 for a stale or missing tag)
   * gets the resource's current ETag and one more try.
   */
  async patch(conn: RedfishConnection, path: string, body: Json, log?: Logger): Promise<RedfishResponse> {
    const first = await this.call(conn, 'PATCH', path, body, log, undefined, [412, 428]);
    if (first.status !== 412 && first.status !== 428) return first;
    const current = await this.call(conn, 'GET', path, undefined, log);
    const etag = headerOf(current, 'etag') ?? (current.body['@odata.etag'] as string | undefined);
    if (!etag) throw new DriverError('DriverOperationError', `BMC ${conn.origin} asked for If-Match on ${path} but gave no ETag`);
    log?.debug({ bmc: conn.origin, path }, 'redfish: PATCH again with If-Match');
    return this.call(conn, 'PATCH', path, body, log, { 'if-match': etag });
  }

  /** The ComputerSystem's path: driver_info's, or the BMC's only system. */
  async systemPath(conn: RedfishConnection, log?: Logger): Promise<string> {
    if (conn.systemId) return conn.systemId;
    const cached = this.systems.get(conn.origin);
    if (cached) return cached;
    const root = await this.get(conn, '/redfish/v1/', log);
    const collection = await this.get(conn, root.Systems?.['@odata.id'] ?? '/redfish/v1/Systems', log);
    const members: string[] = (collection.Members ?? []).map((m: Json) => m['@odata.id']);
    if (members.length !== 1) {
      throw new DriverError('MissingParameterValue', `driver_info.redfish_system_id is required: BMC ${conn.origin} has ${members.length} systems (${members.join(', ') || 'none'})`, 'redfish_system_id');
    }
    this.systems.set(conn.origin, members[0]!);
    return members[0]!;
  }

  /** Logs out of the sessions (BMCs hold only a few each) and closes the connection pools. */
  async close(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      open.map(async (pending) => {
        const s = await pending.catch(() => undefined);
        if (s?.token && s.location) await this.once(s.conn, 'DELETE', s.location, undefined, { 'x-auth-token': s.token }).catch(() => {});
      }),
    );
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }

  /** One request with retries, authentication and error mapping. `tolerate` lists statuses returned, not thrown. */
  async call(conn: RedfishConnection, method: Method, path: string, body: Json | undefined, log?: Logger, extraHeaders: Record<string, string> = {}, tolerate: number[] = []): Promise<RedfishResponse> {
    let relogged = false;
    for (;;) {
      const auth = await this.authHeaders(conn, log);
      const res = await this.send(conn, method, path, body, { ...auth, ...extraHeaders }, log);
      if (res.status === 401 && auth['x-auth-token'] && !relogged) {
        // The BMC expired or dropped our session: log in again once.
        log?.debug({ bmc: conn.origin }, 'redfish: session rejected, logging in again');
        this.sessions.delete(sessionKey(conn));
        relogged = true;
        continue;
      }
      if (res.status < 400 || tolerate.includes(res.status)) return res;
      throw httpError(conn, method, path, res);
    }
  }

  private async authHeaders(conn: RedfishConnection, log?: Logger): Promise<Record<string, string>> {
    if (!conn.username) return {};
    if (conn.authType === 'basic') return basic(conn);
    const key = sessionKey(conn);
    let session = this.sessions.get(key);
    if (!session) {
      session = this.login(conn, log);
      this.sessions.set(key, session);
      session.catch(() => this.sessions.delete(key));
    }
    const s = await session;
    return s.token ? { 'x-auth-token': s.token } : basic(conn);
  }

  /** POST to the SessionService; `auto` falls back to basic auth on a BMC without sessions. */
  private async login(conn: RedfishConnection, log?: Logger): Promise<Session> {
    const root = (await this.send(conn, 'GET', '/redfish/v1/', undefined, {}, log)).body;
    const sessions: string | undefined = root.Links?.Sessions?.['@odata.id'] ?? (root.SessionService ? '/redfish/v1/SessionService/Sessions' : undefined);
    if (!sessions) {
      if (conn.authType === 'session') throw new DriverError('BmcAuthFailed', `BMC ${conn.origin} offers no sessions (redfish_auth_type "session"); use "basic" or "auto"`, 'redfish_auth_type');
      return { token: '', conn };
    }
    const res = await this.send(conn, 'POST', sessions, { UserName: conn.username, Password: conn.password ?? '' }, {}, log);
    const token = headerOf(res, 'x-auth-token');
    if (res.status >= 400 || !token) {
      if (res.status === 401 || res.status === 403 || res.status === 400) throw authFailed(conn, res);
      if (conn.authType === 'auto') return { token: '', conn };
      throw httpError(conn, 'POST', sessions, res);
    }
    log?.debug({ bmc: conn.origin }, 'redfish: session created');
    return { token, location: headerOf(res, 'location'), conn };
  }

  /** Attempts on connection errors and 5xx, with growing pauses; the last answer or error is the result. */
  private async send(conn: RedfishConnection, method: Method, path: string, body: Json | undefined, headers: Record<string, string>, log?: Logger): Promise<RedfishResponse> {
    let pause = conn.retryIntervalMs;
    for (let attempt = 1; ; attempt++) {
      let outcome: RedfishResponse | Error;
      try {
        outcome = await this.once(conn, method, path, body, headers);
      } catch (err) {
        // Our own refusal (an unreadable CA bundle) is no connection failure: no attempt again, said as is.
        if (err instanceof DriverError) throw err;
        outcome = err instanceof Error ? err : new Error(String(err));
      }
      const retry = outcome instanceof Error || outcome.status >= 500;
      if (!retry || attempt >= conn.attempts) {
        if (outcome instanceof Error) throw unreachable(conn, outcome, attempt);
        return outcome;
      }
      log?.debug({ bmc: conn.origin, path, attempt }, `redfish: ${outcome instanceof Error ? outcome.message : `HTTP ${outcome.status}`}, trying again`);
      await sleep(pause);
      pause = Math.round(pause * 1.5);
    }
  }

  private async once(conn: RedfishConnection, method: Method, path: string, body: Json | undefined, headers: Record<string, string>): Promise<RedfishResponse> {
    const res = await request(new URL(path, conn.origin), {
      method,
      dispatcher: this.poolOf(conn),
      headers: { accept: 'application/json', 'odata-version': '4.0', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      headersTimeout: conn.timeoutMs,
      bodyTimeout: conn.timeoutMs,
      signal: AbortSignal.timeout(conn.timeoutMs),
    });
    const text = await res.body.text();
    let parsed: Json = {};
    if (text) {
      try {
        parsed = JSON.parse(text) as Json;
      } catch {
        parsed = { text };
      }
    }
    return { status: res.statusCode, headers: res.headers as RedfishResponse['headers'], body: parsed };
  }

  private poolOf(conn: RedfishConnection): Dispatcher {
    const key = `${conn.origin} ${String(conn.verifyCa)}`;
    let pool = this.pools.get(key);
    if (!pool) {
      const tls = conn.verifyCa === false ? { rejectUnauthorized: false } : typeof conn.verifyCa === 'string' ? { ca: readCa(conn.verifyCa) } : {};
      pool = new Agent({ keepAliveTimeout: 30_000, connections: 4, connect: { timeout: conn.timeoutMs, ...tls } });
      this.pools.set(key, pool);
    }
    return pool;
  }
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new DriverError('InvalidParameterValue', `driver_info.redfish_verify_ca: cannot read CA bundle ${path}: ${(err as Error).message}`, 'redfish_verify_ca');
  }
}

function basic(conn: RedfishConnection): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${conn.username}:${conn.password ?? ''}`).toString('base64')}` };
}

function sessionKey(conn: RedfishConnection): string {
  return createHash('sha256').update(`${conn.origin}\0${conn.username ?? ''}\0${conn.password ?? ''}`).digest('hex');
}

function headerOf(res: RedfishResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The BMC's own words: error.message and every @Message.ExtendedInfo Message. */
export function bmcMessages(body: Json): string {
  const err = body.error ?? body;
  const infos: Json[] = err['@Message.ExtendedInfo'] ?? [];
  const msgs = infos.map((i) => i.Message).filter((m): m is string => typeof m === 'string');
  if (msgs.length === 0 && typeof err.message === 'string') msgs.push(err.message);
  return msgs.join('; ');
}

function httpError(conn: RedfishConnection, method: string, path: string, res: RedfishResponse): DriverError {
  if (res.status === 401 || res.status === 403) return authFailed(conn, res);
  const said = bmcMessages(res.body);
  return new DriverError('DriverOperationError', `BMC ${conn.origin} refused ${method} ${path}: HTTP ${res.status}${said ? `: ${said}` : ''}`);
}

function authFailed(conn: RedfishConnection, res: RedfishResponse): DriverError {
  const said = bmcMessages(res.body);
  return new DriverError('BmcAuthFailed', `BMC ${conn.origin} rejected the credentials of user "${conn.username ?? ''}" (HTTP ${res.status}${said ? `: ${said}` : ''}); check driver_info.redfish_username and redfish_password`, 'redfish_password');
}

function unreachable(conn: RedfishConnection, err: Error, attempts: number): DriverError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${conn.timeoutMs / 1000}s` : (cause?.code ?? cause?.message ?? err.message);
  return new DriverError('BmcUnreachable', `cannot reach BMC ${conn.origin} (${attempts} attempt${attempts === 1 ? '' : 's'}): ${why}`);
}
