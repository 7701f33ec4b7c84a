// The driver registry: interfaces registered by name, hardware types naming which they support.
// Driver packages are found the way Python entry points are: an "ironplan": {"drivers": "./x.js"} field
// in an installed package's package.json, or a module listed in the configuration.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import {
  INTERFACE_KINDS,
  type DriverModule,
  type DriverRegistrar,
  type HardwareType,
  type InterfaceByKind,
  type InterfaceKind,
  type JsonSchema,
  type Logger,
  type NodeDriver,
  type ServiceSettings,
} from '../../contract/types.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { InterfaceNames } from '../generated/node-spec.js';
import { EngineError, invalidParameter } from '../errors.js';
import { createAjv, describeError, type AjvInstance } from '../validation.js';

export const SECRET_MASK = '******';
/** Field names that hold secrets even where no schema says so (tokens, passwords). */
export const SECRET_NAME = /password|secret|token/i;

type Interfaces = NodeRecord['interfaces'];

/**
 * What the hardware types and interfaces of a manager are, as data: enough to resolve a node's interfaces,
 * validate its driver_info and know which fields are secret, without the driver code. Managers publish
 * theirs in the database; the API service answers /v1/drivers and checks requests from it.
 */
export interface CatalogData {
  types: HardwareType[];
  /** Every loaded interface by `kind/name`, with its driver_info schema (null when it reads none). */
  interfaces: Record<string, JsonSchema | null>;
}

/** The read side of the drivers: resolution, validation and masking over catalog data. */
export class DriverCatalog {
  private readonly ajv: AjvInstance = createAjv({ useDefaults: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(protected data: CatalogData = { types: [], interfaces: {} }) {}

  /** This catalog as data, to publish. */
  toData(): CatalogData {
    return this.data;
  }

  hardwareTypes(): HardwareType[] {
    return [...this.data.types];
  }

  /** The hosts whose managers have the hardware type: this one, where the drivers are loaded here. */
  hosts(_type: string): string[] {
    return [hostname()];
  }

  hardwareType(name: string): HardwareType {
    const t = this.data.types.find((x) => x.name === name);
    if (!t) throw new EngineError('InvalidParameter', `driver: unknown hardware type "${name}" (known: ${this.data.types.map((x) => x.name).join(', ') || 'none'})`, 'driver');
    return t;
  }

  private interfaceSchema(kind: InterfaceKind, name: string): JsonSchema | null {
    const key = `${kind}/${name}`;
    if (!Object.hasOwn(this.data.interfaces, key)) {
      throw new EngineError('InvalidParameter', `interfaces.${kind}: no ${kind} interface named "${name}" is loaded`, `interfaces.${kind}`);
    }
    return this.data.interfaces[key]!;
  }

  /** The interfaces a node of `driver` uses: requested ones checked against the type, defaults for the rest. */
  resolveInterfaces(driver: string, requested: InterfaceNames = {}): Interfaces {
    const type = this.hardwareType(driver);
    const out = {} as Interfaces;
    for (const kind of INTERFACE_KINDS) {
      const want = requested[kind] ?? type.interfaces[kind].default;
      if (!type.interfaces[kind].supported.includes(want)) {
        throw invalidParameter(`interfaces.${kind}`, `"${want}" is not supported by hardware type ${driver} (supported: ${type.interfaces[kind].supported.join(', ')})`);
      }
      this.interfaceSchema(kind, want);
      out[kind] = want;
    }
    return out;
  }

  /** The union of the driver_info schemas of a node's interfaces. */
  driverInfoSchema(interfaces: Interfaces): { type: 'object'; properties: Record<string, JsonSchema>; required: string[] } {
    const properties: Record<string, JsonSchema> = {};
    const required = new Set<string>();
    for (const kind of INTERFACE_KINDS) {
      const schema = this.interfaceSchema(kind, interfaces[kind]) as { properties?: Record<string, JsonSchema>; required?: string[] } | null;
      if (!schema) continue;
      Object.assign(properties, schema.properties ?? {});
      for (const r of schema.required ?? []) required.add(r);
    }
    return { type: 'object', properties, required: [...required].sort() };
  }

  secretFields(interfaces: Interfaces): Set<string> {
    const { properties } = this.driverInfoSchema(interfaces);
    return new Set(Object.entries(properties).filter(([, s]) => s.writeOnly === true).map(([k]) => k));
  }

  /** Checks driver_info against the node's interfaces' schemas; names the first missing or wrong field. */
  validateDriverInfo(interfaces: Interfaces, driverInfo: Record<string, unknown>): void {
    const key = INTERFACE_KINDS.map((k) => interfaces[k]).join('/');
    let fn = this.validators.get(key);
    if (!fn) {
      fn = this.ajv.compile(this.driverInfoSchema(interfaces));
      this.validators.set(key, fn);
    }
    if (!fn(driverInfo)) {
      const { field, message } = describeError(fn.errors![0]!, 'driver_info');
      throw new EngineError('InvalidParameter', `${field}: ${message}`, field);
    }
  }

  maskSecrets(interfaces: Interfaces, driverInfo: Record<string, unknown>): Record<string, unknown> {
    let secrets: Set<string>;
    try {
      secrets = this.secretFields(interfaces);
    } catch {
      secrets = new Set();
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(driverInfo)) out[k] = secrets.has(k) || SECRET_NAME.test(k) ? SECRET_MASK : v;
    return out;
  }

  /** Replaces the data (the API's view after managers came or went); compiled validators are dropped. */
  protected replaceData(data: CatalogData): void {
    this.data = data;
    this.validators.clear();
  }
}

/** The driver code a manager loaded, and its catalog. */
export class DriverRegistry extends DriverCatalog implements DriverRegistrar {
  private readonly impls = new Map<InterfaceKind, Map<string, InterfaceByKind[InterfaceKind]>>();

  constructor() {
    super({ types: [], interfaces: {} });
    for (const kind of INTERFACE_KINDS) this.impls.set(kind, new Map());
  }

  registerInterface<K extends InterfaceKind>(kind: K, impl: InterfaceByKind[K]): void {
    this.impls.get(kind)!.set(impl.name, impl);
    this.replaceData({ ...this.data, interfaces: { ...this.data.interfaces, [`${kind}/${impl.name}`]: impl.driverInfoSchema ?? null } });
  }

  registerHardwareType(type: HardwareType): void {
    this.replaceData({ ...this.data, types: [...this.data.types.filter((t) => t.name !== type.name), type] });
  }

  getInterface<K extends InterfaceKind>(kind: K, name: string): InterfaceByKind[K] {
    const impl = this.impls.get(kind)!.get(name);
    if (!impl) throw new EngineError('InvalidParameter', `interfaces.${kind}: no ${kind} interface named "${name}" is loaded`, `interfaces.${kind}`);
    return impl as InterfaceByKind[K];
  }

  driverFor(node: Pick<NodeRecord, 'driver' | 'interfaces'>): NodeDriver {
    return {
      hardwareType: node.driver,
      power: this.getInterface('power', node.interfaces.power),
      management: this.getInterface('management', node.interfaces.management),
      boot: this.getInterface('boot', node.interfaces.boot),
      deploy: this.getInterface('deploy', node.interfaces.deploy),
      inspect: this.getInterface('inspect', node.interfaces.inspect),
      vendor: this.getInterface('vendor', node.interfaces.vendor),
    };
  }
}

/** Loads driver modules: those listed in config, then those installed packages declare. */
export async function loadDriverModules(
  registry: DriverRegistry,
  opts: { modules: string[]; scanDir?: string; log: Logger; settings: ServiceSettings },
): Promise<string[]> {
  const specifiers = [...opts.modules];
  if (opts.scanDir) specifiers.push(...discoverDriverPackages(opts.scanDir));
  const loaded: string[] = [];
  for (const spec of specifiers) {
    const url = spec.startsWith('.') || spec.startsWith('/') ? pathToFileURL(resolve(spec)).href : spec;
    const mod = (await import(url)) as Partial<DriverModule>;
    if (typeof mod.register !== 'function') throw new Error(`driver module ${spec} exports no register() function`);
    await mod.register(registry, { log: opts.log, settings: opts.settings });
    loaded.push(spec);
  }
  return loaded;
}

/** Installed packages whose package.json declares "ironplan": {"drivers": "<module>"}. */
export function discoverDriverPackages(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  const found: string[] = [];
  const consider = (dir: string) => {
    const pj = join(dir, 'package.json');
    if (!existsSync(pj)) return;
    try {
      const meta = JSON.parse(readFileSync(pj, 'utf8')) as { ironplan?: { drivers?: string } };
      if (meta.ironplan?.drivers) found.push(join(dir, meta.ironplan.drivers));
    } catch {
      // A package with an unreadable package.json is not a driver package.
    }
  };
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) for (const sub of readdirSync(join(nodeModules, name))) consider(join(nodeModules, name, sub));
    else consider(join(nodeModules, name));
  }
  return found.sort();
}
