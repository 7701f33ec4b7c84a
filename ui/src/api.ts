// The console's only way to the service: the public HTTP API, with the token the user logged in with
// and the newest microversion (names, traits and interface fields only appear from later versions).
import type { NodeRecord } from '../../contract/generated/node-record.js';

const TOKEN_KEY = 'ironplan.token';
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** A node as GET /v1/nodes answers at the latest version: the record's fields, interfaces flattened into *_interface. */
export type ApiNode = Pick<NodeRecord, 'uuid'> &
  Partial<Omit<NodeRecord, 'interfaces'>> & { [field: `${string}_interface`]: string | undefined; created_at?: string; updated_at?: string };

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

export type Role = 'admin' | 'reader';

/**
 * Who the token belongs to, as the service will treat it: 'none' if it is refused (401). The API has
 * no "who am I"; an empty JSON Patch of the nil UUID changes nothing for anyone, and the auth check
 * answers it before the route does: 403 for a reader, 404 (no such node) for an admin or an open service.
 */
export async function probeRole(): Promise<Role | 'none'> {
  try {
    await api('GET', '/v1/nodes?limit=1&fields=uuid');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return 'none';
    throw err;
  }
  try {
    await api('PATCH', `/v1/nodes/${NIL_UUID}`, []);
    return 'admin';
  } catch (err) {
    return err instanceof ApiError && err.status === 403 ? 'reader' : 'admin';
  }
}
