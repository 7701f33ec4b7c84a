// The console's only way to the service: the public HTTP API, with the token the user logged in with
// and the newest microversion (names, traits and interface fields only appear from later versions).
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { Whoami } from '../../engine/generated/whoami.js';

const TOKEN_KEY = 'ironplan.token';

/** A node as GET /v1/nodes answers at the latest version: the record's fields, interfaces flattened into *_interface. */
export type ApiNode = Pick<NodeRecord, 'uuid'> &
  Partial<Omit<NodeRecord, 'interfaces'>> & { [field: `${string}_interface`]: string | undefined; created_at?: string; updated_at?: string; conductor?: string | null };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { 'x-openstack-ironic-api-version': 'latest', accept: 'application/json', ...extra };
  const token = getToken();
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}

/** Ironic's error envelope holds a JSON string with the faultstring; show that, not the envelope. */
function messageOf(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error_message?: string };
    if (body.error_message) {
      const inner = JSON.parse(body.error_message) as { faultstring?: string };
      return inner.faultstring ?? body.error_message;
    }
  } catch {
    // not JSON: the text itself
  }
  return text || `HTTP ${status}`;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, messageOf(res.status, text));
  return (text ? JSON.parse(text) : undefined) as T;
}

let maxVersion: Promise<number> | undefined;

/** The newest microversion the service answers (its minor number), read once from GET /v1 (open). */
export function serviceMaxVersion(): Promise<number> {
  maxVersion ??= fetch('/v1', { headers: { accept: 'application/json' } }).then((r) => Number((r.headers.get('x-openstack-ironic-api-maximum-version') ?? '1.1').split('.')[1]));
  return maxVersion;
}

export type Role = Whoami['role'];

/**
 * Who the token belongs to, as the service will treat it (GET /v1/auth/whoami): 'none' if it is refused
 * (401), so the login asks for one.
 */
export async function probeRole(): Promise<Role | 'none'> {
  try {
    return (await api<Whoami>('GET', '/v1/auth/whoami')).role;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return 'none';
    throw err;
  }
}
