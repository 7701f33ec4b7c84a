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
  const files = readdirSync(dir).filter((f) => f.endsWith('.schema.json'));
  return catalogSecretFields(Object.fromEntries(files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown])));
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

/** The node columns holding secrets. */
export type SecretScope = 'driver_info' | 'driver_internal_info';

/** driver_internal_info's secret: the agent's per-deploy token (engine/conductor/credentials.ts). */
export const INTERNAL_SECRET_FIELDS: readonly string[] = ['agent_secret_token'];

const aad = (scope: SecretScope, field: string) => `${scope}.${field}`;

export class SecretBox {
  private readonly fields: Set<string>;
  private readonly internal = new Set(INTERNAL_SECRET_FIELDS);

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

  /** The secret field names of a column. */
  secretFields(scope: SecretScope = 'driver_info'): string[] {
    return [...(scope === 'driver_info' ? this.fields : this.internal)].sort();
  }

  private isSecret(scope: SecretScope, k: string): boolean {
    return scope === 'driver_info' ? this.fields.has(k) : this.internal.has(k);
  }

  /** The column as stored: secret fields sealed under the current key (already sealed values kept). */
  seal(info: Info, scope: SecretScope = 'driver_info'): Info {
    let out: Info | null = null;
    for (const [k, v] of Object.entries(info)) {
      if (v === undefined || v === null || !this.isSecret(scope, k) || isSealed(v)) continue;
      out ??= { ...info };
      out[k] = this.keyring.seal(aad(scope, k), v);
    }
    return out ?? info;
  }

  /** The column as the engine uses it: every sealed value opened. */
  open(info: Info, scope: SecretScope = 'driver_info'): Info {
    let out: Info | null = null;
    for (const [k, v] of Object.entries(info)) {
      if (!isSealed(v)) continue;
      out ??= { ...info };
      out[k] = this.openValue(aad(scope, k), v);
    }
    return out ?? info;
  }

  /** True when the stored column has a secret in clear, or a value sealed under another key than the current. */
  needsResealing(info: Info, scope: SecretScope = 'driver_info'): boolean {
    return Object.entries(info).some(([k, v]) => (isSealed(v) ? sealedKid(v) !== this.keyring.currentKid : v !== undefined && v !== null && this.isSecret(scope, k)));
  }

  /** Opens then seals under the current key. */
  reseal(info: Info, scope: SecretScope = 'driver_info'): Info {
    const clear = this.open(info, scope);
    const out: Info = {};
    // A value sealed before stays sealed even if no loaded driver names its field any more.
    for (const [k, v] of Object.entries(clear)) out[k] = v !== undefined && v !== null && (this.isSecret(scope, k) || isSealed(info[k])) ? this.keyring.seal(aad(scope, k), v) : v;
    return out;
  }

  private openValue(aadText: string, v: { $enc: string }): unknown {
    if (!this.keyring.has(sealedKid(v))) {
      const fresh = this.reload();
      if (fresh) this.keyring = fresh;
    }
    return this.keyring.open(aadText, v);
  }
}
