import { randomUUID, randomBytes } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => UUID_RE.test(s);
export const newUuid = (): string => randomUUID();
/** A short random id for plans and applies, sortable by creation time. */
export const newId = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
export const newToken = (): string => randomBytes(32).toString('base64url');
