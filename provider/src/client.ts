// The ironplan service through OpenStack Ironic's v1 API, as Ironic documents it: the latest microversion,
// bearer tokens, Ironic's error bodies, and 409 (NodeLocked) retried with backoff until the deadline.
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

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new Error('stopped by terraform'));
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(new Error('stopped by terraform'))), { once: true });
  });

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
  constructor(private readonly o: ClientOptions) {
    this.base = o.endpoint.replace(/\/+$/, '');
  }

  get signal(): AbortSignal {
    return this.o.signal;
  }

  sleep(ms: number): Promise<void> {
    return sleep(ms, this.o.signal);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const deadline = opts.deadline ?? Date.now() + 60_000;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'X-OpenStack-Ironic-API-Version': 'latest', Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (this.o.token) headers.Authorization = `Bearer ${this.o.token}`;
      let res: Response;
      try {
        res = await fetch(this.base + path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.any([this.o.signal, AbortSignal.timeout(this.o.requestTimeoutMs)]),
        });
      } catch (e) {
        if (this.o.signal.aborted) throw new Error('stopped by terraform');
        const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
        // The service restarting is worth a few retries; anything else is reported at once.
        if (cause === 'ECONNREFUSED' && attempt < 5 && Date.now() < deadline) {
          await this.sleep(200 * (attempt + 1));
          continue;
        }
        throw new IronicError(0, `cannot reach ironplan at ${this.base} (${cause}): ${(e as Error).message}`, method, path);
      }
      const text = await res.text();
      if (res.status === 409 && Date.now() < deadline) {
        this.o.log('debug', 'node locked, retrying', { method, path, attempt });
        await this.sleep(Math.min(50 * 2 ** attempt, 1000) * (0.5 + Math.random()));
        continue;
      }
      if (res.status >= 400) throw new IronicError(res.status, ironicMessage(text), method, path);
      return (text ? JSON.parse(text) : null) as T;
    }
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
