// The secrets key file: JSON {"format": "ironplan-secrets-key/1", "keys": [{"kid", "key"}]}, the first key
// current (it seals), the others kept only while a rotation runs (they still open). Created on first start
// with mode 0600; a file that group or others may read is refused, as ssh refuses such a private key.
// Every process that shares a database (managers and APIs on PostgreSQL) is given the same file.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KEY_BYTES, Keyring, SecretsError } from './envelope.js';

const FORMAT = 'ironplan-secrets-key/1';
export const KEY_FILE_ENV = 'IRONPLAN_SECRETS_KEY_FILE';
export const DEFAULT_KEY_FILE_NAME = 'secrets.key';

export interface KeyEntry {
  kid: string;
  key: Buffer;
}

export function newKey(): KeyEntry {
  return { kid: randomBytes(4).toString('hex'), key: randomBytes(KEY_BYTES) };
}

/** Where the key is: the flag, else the environment, else `secrets.key` in the data directory. */
export function resolveKeyFile(given: string | undefined, dataDir: string): string {
  return given || process.env[KEY_FILE_ENV] || join(dataDir, DEFAULT_KEY_FILE_NAME);
}

export function keyringOf(entries: KeyEntry[]): Keyring {
  return new Keyring(entries[0]!.kid, new Map(entries.map((e) => [e.kid, e.key])));
}

export function readKeyFile(path: string): KeyEntry[] {
  const mode = statSync(path).mode;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SecretsError(`the secrets key file ${path} may be read by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 it`);
  }
  let doc: { format?: unknown; keys?: Array<{ kid?: unknown; key?: unknown }> };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as typeof doc;
  } catch (err) {
    throw new SecretsError(`the secrets key file ${path} is not JSON: ${(err as Error).message}`);
  }
  if (doc.format !== FORMAT || !Array.isArray(doc.keys) || !doc.keys.length) throw new SecretsError(`the secrets key file ${path} is not an ${FORMAT} file with at least one key`);
  return doc.keys.map((k, i) => {
    const key = typeof k.key === 'string' ? Buffer.from(k.key, 'base64') : Buffer.alloc(0);
    if (typeof k.kid !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(k.kid) || key.length !== KEY_BYTES) {
      throw new SecretsError(`the secrets key file ${path}: key ${i} needs a kid (letters, digits, - or _) and a base64 ${KEY_BYTES}-byte key`);
    }
    return { kid: k.kid, key };
  });
}

/** Replaces the file whole (temporary file, fsync, rename): a crash leaves the old keys or the new ones. */
export function writeKeyFile(path: string, entries: KeyEntry[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, serialize(entries));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Reads a key file another process may be creating this instant (it exists, empty, until that process
 * has written it): an empty file is waited for, briefly.
 */
function readWhenWritten(path: string): KeyEntry[] {
  for (let i = 0; i < 40 && statSync(path).size === 0; i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  return readKeyFile(path);
}

/** Reads the key file, creating it (mode 0600) with a new key when there is none yet. */
export function loadOrCreateKeyFile(path: string): { entries: KeyEntry[]; created: boolean } {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number;
  try {
    // 'wx': of two processes starting at once, one creates the file and the other reads it.
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { entries: readWhenWritten(path), created: false };
  }
  const entries = [newKey()];
  try {
    writeSync(fd, serialize(entries));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { entries, created: true };
}

function serialize(entries: KeyEntry[]): string {
  return `${JSON.stringify({ format: FORMAT, keys: entries.map((e) => ({ kid: e.kid, key: e.key.toString('base64') })) }, null, 2)}\n`;
}
