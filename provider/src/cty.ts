// Terraform schemas as the provider declares them, the shapes values must have under them, and their
// protobuf form. Every object value sent to terraform must carry every attribute (null where unset).
import { isObj, isUnknown, UNKNOWN, type Obj, type Value } from './values.js';

export type CtyType = 'string' | 'number' | 'bool' | 'dynamic' | ['list' | 'set' | 'map', CtyType] | ['object', Record<string, CtyType>];
export type Nesting = 'single' | 'list' | 'set' | 'map';

export interface Attr {
  name: string;
  type?: CtyType;
  nested?: { nesting: Nesting; attributes: Attr[] };
  description?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  /**
   * Write-only (terraform >= 1.11): the configuration's value reaches the provider (ApplyResourceChange's
   * config) but is never stored: planned and new states, and reads, must hold null for it.
   */
  writeOnly?: boolean;
  /** The value planned when the configuration leaves an optional+computed attribute unset. */
  default?: Value;
}

export interface NestedBlock {
  typeName: string;
  nesting: 'single' | 'list';
  block: Block;
  maxItems?: number;
}

export interface Block {
  attributes: Attr[];
  blocks?: NestedBlock[];
  description?: string;
}

export interface Schema {
  version: number;
  block: Block;
}

const NESTING_NUM: Record<Nesting, number> = { single: 1, list: 2, set: 3, map: 4 };

function attrToProto(a: Attr): Record<string, unknown> {
  return {
    name: a.name,
    type: a.type ? Buffer.from(JSON.stringify(a.type)) : undefined,
    nested_type: a.nested ? { attributes: a.nested.attributes.map(attrToProto), nesting: NESTING_NUM[a.nested.nesting] } : undefined,
    description: a.description ?? '',
    required: !!a.required,
    optional: !!a.optional,
    computed: !!a.computed,
    sensitive: !!a.sensitive,
    write_only: !!a.writeOnly,
  };
}

export function blockToProto(b: Block): Record<string, unknown> {
  return {
    attributes: b.attributes.map(attrToProto),
    block_types: (b.blocks ?? []).map((nb) => ({
      type_name: nb.typeName,
      block: blockToProto(nb.block),
      nesting: NESTING_NUM[nb.nesting],
      max_items: nb.maxItems ?? 0,
    })),
    description: b.description ?? '',
  };
}

export const schemaToProto = (s: Schema) => ({ version: s.version, block: blockToProto(s.block) });

/** The cty type of an attribute (nested attributes as the object/collection types they stand for). */
export function attrType(a: Attr): CtyType {
  if (a.type) return a.type;
  const obj: CtyType = ['object', Object.fromEntries(a.nested!.attributes.map((x) => [x.name, attrType(x)]))];
  return a.nested!.nesting === 'single' ? obj : [a.nested!.nesting, obj];
}

function conformType(v: unknown, t: CtyType): Value {
  if (v === null || v === undefined) return null;
  if (isUnknown(v)) return UNKNOWN;
  if (t === 'dynamic') return v as Value;
  if (t === 'string') return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Big numbers arrive as decimal strings.
  if (t === 'number') return typeof v === 'number' ? v : Number(v);
  if (t === 'bool') return typeof v === 'boolean' ? v : v === 'true';
  const [kind, inner] = t;
  if (kind === 'list' || kind === 'set') return Array.isArray(v) ? v.map((x) => conformType(x, inner)) : null;
  if (kind === 'map') return isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conformType(x, inner)])) : null;
  const fields = inner as Record<string, CtyType>;
  if (!isObj(v)) return null;
  return Object.fromEntries(Object.entries(fields).map(([k, ft]) => [k, conformType(v[k], ft)]));
}

/** The value under the block with every attribute and block present, extra keys dropped. */
export function conform(v: unknown, b: Block): Value {
  if (v === null || v === undefined) return null;
  if (isUnknown(v)) return UNKNOWN;
  if (!isObj(v)) return null;
  const out: Obj = {};
  for (const a of b.attributes) out[a.name] = conformType(v[a.name], attrType(a));
  for (const nb of b.blocks ?? []) {
    const x = v[nb.typeName];
    if (nb.nesting === 'single') out[nb.typeName] = conform(x, nb.block);
    else out[nb.typeName] = Array.isArray(x) ? x.map((e) => conform(e, nb.block)) : [];
  }
  return out;
}

/** The value with every write-only attribute null: what terraform accepts as a planned or new state. */
export function withoutWriteOnly(v: Value, b: Block): Value {
  if (!isObj(v)) return v;
  const out: Obj = { ...v };
  for (const a of b.attributes) if (a.writeOnly && a.name in out) out[a.name] = null;
  for (const nb of b.blocks ?? []) {
    const x = out[nb.typeName];
    if (x === undefined) continue;
    out[nb.typeName] = Array.isArray(x) ? x.map((e) => withoutWriteOnly(e, nb.block)) : withoutWriteOnly(x ?? null, nb.block);
  }
  return out;
}
