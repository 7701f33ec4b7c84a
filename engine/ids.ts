import { randomBytes } from 'node:crypto';

// Drivers mint tokens and uuids too, so the generators live in the contract they share with the engine.
export { newUuid, newToken } from '../contract/ids.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => UUID_RE.test(s);
/** A short random id for plans and applies, sortable by creation time. */
export const newId = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
