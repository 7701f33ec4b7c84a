// Secret values at rest: AES-256-GCM (node:crypto) with a random 96-bit nonce per value. A sealed value is
// stored in place of the clear one as {"$enc": "v1:<kid>:<b64 nonce>:<b64 ciphertext+tag>"}: the key id
// says which key opens it (so rows under an old and a new key are both readable while a rotation runs),
// and the field name is the additional authenticated data (a sealed password moved under another field,
// or into another row's other field, does not open). The clear text is the value's JSON, so a number or
// an object comes back as it went in.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const ENVELOPE_KEY = '$enc';
const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export interface Sealed {
  [ENVELOPE_KEY]: string;
}

export function isSealed(v: unknown): v is Sealed {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Sealed)[ENVELOPE_KEY] === 'string';
}

/** The key id a sealed value names (without opening it). */
export function sealedKid(v: Sealed): string {
  return v[ENVELOPE_KEY].split(':')[1] ?? '';
}

export class SecretsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsError';
  }
}

/** The keys this process holds: the current one seals, any of them opens. */
export class Keyring {
  constructor(
    readonly currentKid: string,
    private readonly keys: ReadonlyMap<string, Buffer>,
  ) {
    const key = keys.get(currentKid);
    if (!key) throw new SecretsError(`the current key ${currentKid} is not in the keyring`);
    for (const [kid, k] of keys) if (k.length !== KEY_BYTES) throw new SecretsError(`key ${kid} is ${k.length} bytes, not ${KEY_BYTES}`);
  }

  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  get kids(): string[] {
    return [...this.keys.keys()];
  }

  seal(aad: string, value: unknown, kid = this.currentKid): Sealed {
    const key = this.keys.get(kid);
    if (!key) throw new SecretsError(`no key ${kid} to seal with`);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { [ENVELOPE_KEY]: `${VERSION}:${kid}:${nonce.toString('base64')}:${ct.toString('base64')}` };
  }

  /** The clear value; SecretsError when the key is missing or the value does not authenticate under it. */
  open(aad: string, sealed: Sealed): unknown {
    const [version, kid = '', nonceB64 = '', ctB64 = ''] = sealed[ENVELOPE_KEY].split(':');
    if (version !== VERSION) throw new SecretsError(`sealed value of unknown format ${version}`);
    const key = this.keys.get(kid);
    if (!key) throw new SecretsError(`a value is sealed under key ${kid}, which the key file does not hold (have: ${this.kids.join(', ')})`);
    const nonce = Buffer.from(nonceB64, 'base64');
    const body = Buffer.from(ctB64, 'base64');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new SecretsError(`sealed value under key ${kid} is malformed`);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      const clear = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
      return JSON.parse(clear.toString('utf8')) as unknown;
    } catch {
      throw new SecretsError(`a value sealed under key ${kid} does not open with the key file's key ${kid} (wrong key, or the value was altered)`);
    }
  }
}
