// The store's seal: which driver_info fields are secret, and sealing/opening them as rows are written and
// read. The secret fields are those a driver schema marks writeOnly (schemas/drivers/*.schema.json, the
// same marks the API masks by), plus any a loaded driver module declares (addFields).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../contract/paths.js';
import { isSealed, sealedKid, type Keyring } from './envelope.js';

type Info = Record<string, unknown>;

/** writeOnly property names of every driver_info schema shipped in schemas/drivers. */
export function schemaSecretFields(dir = join(packageRoot, 'schemas', 'drivers')): string[] {
  const out = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json'))) {
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { properties?: Record<string, { writeOnly?: boolean }> };
    for (const [name, prop] of Object.entries(schema.properties ?? {})) if (prop.writeOnly === true) out.add(name);
  }
  return [...out].sort();
}

/** writeOnly property names of the driver_info schemas a loaded catalog holds (driver modules from packages too). */
export function catalogSecretFields(interfaces: Record<string, unknown>): string[] {
  const out = new Set<string>();
  for (const schema of Object.values(interfaces)) {
    const props = (schema as { properties?: Record<string, { writeOnly?: boolean }> } | null)?.properties ?? {};
    for (const [name, prop] of Object.entries(props)) if (prop.writeOnly === true) out.add(name);
  }
  return [...out].sort();
}

const aad = (field: string) => `driver_info.${field}`;

export class SecretBox {
  private readonly fields: Set<string>;

  constructor(
    private keyring: Keyring,
    fields: Iterable<string> = schemaSecretFields(),
    /** Re-reads the key file: a value under a key this process does not hold yet (another process rotated). */
    private readonly reload: () => Keyring | null = () => null,
  ) {
    this.fields = new Set(fields);
  }

  get currentKid(): string {
    return this.keyring.currentKid;
  }

  get keys(): Keyring {
    return this.keyring;
  }

  /** Seals and opens with another keyring from now on (a rotation's new key). */
  use(keyring: Keyring): void {
    this.keyring = keyring;
  }

  /** Adds secret fields; true when any was new (stored rows may then hold it in clear). */
  addFields(names: Iterable<string>): boolean {
    const before = this.fields.size;
    for (const n of names) this.fields.add(n);
    return this.fields.size > before;
  }

  get secretFields(): string[] {
    return [...this.fields].sort();
  }

  /** driver_info as stored: secret fields sealed under the current key (already sealed values kept). */
  seal(info: Info): Info {
    let out: Info | null = null;
    for (const [k, v] of Object.entries(info)) {
      if (v === undefined || v === null || !this.fields.has(k) || isSealed(v)) continue;
      out ??= { ...info };
      out[k] = this.keyring.seal(aad(k), v);
    }
    return out ?? info;
  }

  /** driver_info as the engine uses it: every sealed value opened. */
  open(info: Info): Info {
    let out: Info | null = null;
    for (const [k, v] of Object.entries(info)) {
      if (!isSealed(v)) continue;
      out ??= { ...info };
      out[k] = this.openValue(k, v);
    }
    return out ?? info;
  }

  /** True when the stored driver_info has a secret in clear, or a value sealed under another key than the current. */
  needsResealing(info: Info): boolean {
    return Object.entries(info).some(([k, v]) => (isSealed(v) ? sealedKid(v) !== this.keyring.currentKid : v !== undefined && v !== null && this.fields.has(k)));
  }

  /** Opens then seals under the current key. */
  reseal(info: Info): Info {
    const clear = this.open(info);
    const out: Info = {};
    // A value sealed before stays sealed even if no loaded driver names its field any more.
    for (const [k, v] of Object.entries(clear)) out[k] = v !== undefined && v !== null && (this.fields.has(k) || isSealed(info[k])) ? this.keyring.seal(aad(k), v) : v;
    return out;
  }

  private openValue(field: string, v: { $enc: string }): unknown {
    if (!this.keyring.has(sealedKid(v))) {
      const fresh = this.reload();
      if (fresh) this.keyring = fresh;
    }
    return this.keyring.open(aad(field), v);
  }
}
