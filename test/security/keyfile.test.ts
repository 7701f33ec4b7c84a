// The secrets key file: where it is looked for, created 0600, refused when others may read it or when it
// is not a key file; the envelope refuses a value moved to another field or altered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_FILE_ENV, keyringOf, loadOrCreateKeyFile, newKey, readKeyFile, resolveKeyFile, writeKeyFile } from '../../engine/secrets/keyfile.js';
import { openStore } from '../../engine/store/open.js';

describe('secrets key file', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ironplan-keyfile-'))));
  afterAll(() => {
    delete process.env[KEY_FILE_ENV];
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the flag, else IRONPLAN_SECRETS_KEY_FILE, else secrets.key in the data directory', () => {
    delete process.env[KEY_FILE_ENV];
    expect(resolveKeyFile(undefined, '/data')).toBe('/data/secrets.key');
    process.env[KEY_FILE_ENV] = '/etc/ironplan/key';
    expect(resolveKeyFile(undefined, '/data')).toBe('/etc/ironplan/key');
    expect(resolveKeyFile('/given', '/data')).toBe('/given');
    delete process.env[KEY_FILE_ENV];
  });

  it('is created 0600 once; the second start reads the same key', () => {
    const path = join(dir, 'sub', 'secrets.key');
    const a = loadOrCreateKeyFile(path);
    expect(a.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const b = loadOrCreateKeyFile(path);
    expect(b.created).toBe(false);
    expect(b.entries[0]!.kid).toBe(a.entries[0]!.kid);
    expect(b.entries[0]!.key.equals(a.entries[0]!.key)).toBe(true);
  });

  it('is refused when group or others may read it, or when it is not a key file', () => {
    const path = join(dir, 'loose.key');
    writeKeyFile(path, [newKey()]);
    chmodSync(path, 0o644);
    expect(() => readKeyFile(path)).toThrow(/may be read by other users \(mode 644\): chmod 600 it/);
    const junk = join(dir, 'junk.key');
    writeFileSync(junk, '{"keys": []}', { mode: 0o600 });
    expect(() => readKeyFile(junk)).toThrow(/is not an ironplan-secrets-key\/1 file/);
  });

  it('IRONPLAN_SECRETS_KEY_FILE is the key a store opens with', async () => {
    const db = join(dir, 'env.sqlite');
    process.env[KEY_FILE_ENV] = join(dir, 'env.key');
    try {
      await (await openStore(db)).close();
      expect(statSync(join(dir, 'env.key')).mode & 0o777).toBe(0o600);
      process.env[KEY_FILE_ENV] = join(dir, 'other-env.key');
      await expect(openStore(db)).rejects.toThrow(/other-env\.key does not hold/);
    } finally {
      delete process.env[KEY_FILE_ENV];
    }
  });

  it('a sealed value opens only under its field, and not once altered', () => {
    const ring = keyringOf([newKey()]);
    const sealed = ring.seal('driver_info.ipmi_password', 'pw');
    expect(ring.open('driver_info.ipmi_password', sealed)).toBe('pw');
    expect(() => ring.open('driver_info.ipmi_username', sealed)).toThrow(/does not open/);
    const [v, kid, nonce, ct] = sealed.$enc.split(':');
    const flipped = Buffer.from(ct!, 'base64');
    flipped[0]! ^= 1;
    expect(() => ring.open('driver_info.ipmi_password', { $enc: [v, kid, nonce, flipped.toString('base64')].join(':') })).toThrow(/does not open/);
    expect(() => keyringOf([newKey()]).open('driver_info.ipmi_password', sealed)).toThrow(/which the key file does not hold/);
  });
});
