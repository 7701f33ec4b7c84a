// The ironplan service through OpenStack Ironic's v1 API, as Ironic documents it: the latest microversion,
// bearer tokens, Ironic's error bodies, and 409 (NodeLocked) retried with backoff until the deadline.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import type { Log } from './log.js';

export interface ClientOptions {
  endpoint: string;
  token?: string | null;
  /** One HTTP request's limit. */
  requestTimeoutMs: number;
  log: Log;
  /** Aborted when terraform calls StopProvider. */
  signal: AbortSignal;
}

export class IronicError extends Error {
  constructor(readonly status: number, message: string, readonly method: string, readonly path: string) {
    super(message);
  }
}

export interface RequestOptions {
  /** Keep retrying 409 until then (epoch ms). */
  deadline?: number;
}

// timers/promises drops its abort listener when the timer fires: a listener per poll left on the one
// long-lived signal would pile up over a long apply (and trip Node's listener-leak warning).
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch(() => {
    throw new Error('stopped by terraform');
  });

/** The answer, or null when the object is not there (404): gone is a normal outcome for look-ups and deletes. */
export async function unlessGone<T>(answer: Promise<T>): Promise<T | null> {
  try {
    return await answer;
  } catch (e) {
    if (e instanceof IronicError && e.status === 404) return null;
    throw e;
  }
}

/** The faultstring inside Ironic's `{"error_message": "<JSON>"}`, or whatever text there is. */
export function ironicMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error_message?: unknown };
    const em = body.error_message;
    if (typeof em === 'string') {
      try {
        const inner = JSON.parse(em) as { faultstring?: string };
        if (inner.faultstring) return inner.faultstring;
      } catch {
        return em;
      }
      return em;
    }
    if (em && typeof em === 'object' && 'faultstring' in em) return String((em as { faultstring: unknown }).faultstring);
  } catch {
    // not JSON
  }
  return text.slice(0, 500) || '(no body)';
}

export class IronicClient {
  private readonly base: string;
  // node:http with keep-alive rather than fetch: undici's per-request machinery was a third of the
  // provider's CPU time when terraform applies hundreds of resources.
  private readonly transport: { request: typeof httpRequest; agent: HttpAgent };
  constructor(private readonly o: ClientOptions) {
    this.base = o.endpoint.replace(/\/+$/, '');
    const agent = { keepAlive: true, maxSockets: 16 };
    this.transport = this.base.startsWith('https:') ? { request: httpsRequest, agent: new HttpsAgent(agent) } : { request: httpRequest, agent: new HttpAgent(agent) };
  }

  sleep(ms: number): Promise<void> {
    return sleep(ms, this.o.signal);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const deadline = opts.deadline ?? Date.now() + 60_000;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      let res: { status: number; text: string };
      try {
        res = await this.send(method, path, payload);
      } catch (e) {
        if (this.o.signal.aborted) throw new Error('stopped by terraform');
        const cause = (e as { code?: string }).code ?? (e as Error).name;
        // The service restarting is worth a few retries; anything else is reported at once.
        if (cause === 'ECONNREFUSED' && attempt < 5 && Date.now() < deadline) {
          await this.sleep(200 * (attempt + 1));
          continue;
        }
        throw new IronicError(0, `cannot reach ironplan at ${this.base} (${cause}): ${(e as Error).message}`, method, path);
      }
      // Only NodeLocked is worth waiting out; other conflicts (a name taken) are answers.
      if (res.status === 409 && Date.now() < deadline && /is locked by/.test(ironicMessage(res.text))) {
        this.o.log('debug', 'node locked, retrying', { method, path, attempt });
        await this.sleep(Math.min(50 * 2 ** attempt, 1000) * (0.5 + Math.random()));
        continue;
      }
      if (res.status >= 400) throw new IronicError(res.status, ironicMessage(res.text), method, path);
      return (res.text ? JSON.parse(res.text) : null) as T;
    }
  }

  private send(method: string, path: string, payload: string | undefined): Promise<{ status: number; text: string }> {
    const url = new URL(this.base + path);
    const headers: Record<string, string | number> = { 'X-OpenStack-Ironic-API-Version': 'latest', Accept: 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    if (this.o.token) headers.Authorization = `Bearer ${this.o.token}`;
    const { request, agent } = this.transport;
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent, signal: this.o.signal, timeout: this.o.requestTimeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.o.requestTimeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** Ironic's node as the v1 API shows it (only the fields the provider reads). */
export interface IronicNode {
  uuid: string;
  name: string | null;
  driver: string;
  driver_info: Record<string, unknown>;
  properties: Record<string, unknown>;
  extra: Record<string, unknown>;
  instance_info: Record<string, unknown>;
  instance_uuid: string | null;
  last_error: string | null;
  maintenance: boolean;
  maintenance_reason: string | null;
  power_state: string | null;
  target_power_state: string | null;
  provision_state: string;
  target_provision_state: string | null;
  provision_updated_at: string | null;
  resource_class: string | null;
  traits?: string[];
  created_at: string;
  updated_at: string | null;
  [iface: `${string}_interface`]: string | null;
}

export interface IronicPort {
  uuid: string;
  address: string;
  node_uuid: string;
  pxe_enabled: boolean;
  extra: Record<string, unknown>;
}
