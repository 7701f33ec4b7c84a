import { randomUUID, randomBytes } from 'node:crypto';

export const newUuid = (): string => randomUUID();
export const newToken = (): string => randomBytes(32).toString('base64url');
