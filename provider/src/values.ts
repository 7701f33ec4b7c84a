// Terraform values as the provider handles them: JSON-like data plus one marker for "unknown until apply".
// On the wire they are msgpack (DynamicValue.msgpack); unknowns are msgpack extensions.
import { decode, encode, ExtensionCodec, ExtData } from '@msgpack/msgpack';

/** A value terraform does not know yet. One shared instance so identity comparison works. */
// An interface, not a type literal: it gets no implicit index signature, so it never narrows as an Obj.
export interface Unknown {
  readonly unknown: true;
}
export const UNKNOWN: Unknown = Object.freeze({ unknown: true as const });
export type Value = null | string | number | boolean | Unknown | Value[] | { [k: string]: Value };
export type Obj = { [k: string]: Value };

export const isUnknown = (v: unknown): v is Unknown => v === UNKNOWN;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && v !== UNKNOWN && !Array.isArray(v);

const codec = new ExtensionCodec();
// Extension 0 is a plain unknown (`d4 00 00`); terraform also sends refined unknowns as extension 12.
// Any extension means "unknown" to us: the refinements only narrow what the value could become.
codec.register({ type: 0, encode: (v) => (v === UNKNOWN ? new Uint8Array([0]) : null), decode: () => UNKNOWN });
codec.register({ type: 12, encode: () => null, decode: () => UNKNOWN });

function unknownExts(v: unknown): Value {
  if (v instanceof ExtData) return UNKNOWN;
  if (Array.isArray(v)) return v.map(unknownExts);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (typeof v === 'object' && v !== null && v !== UNKNOWN) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = unknownExts(x);
    return out;
  }
  if (typeof v === 'bigint') return Number(v);
  return v as Value;
}

export function fromMsgpack(buf: Uint8Array | null | undefined): Value {
  if (!buf || buf.length === 0) return null;
  return unknownExts(decode(buf, { extensionCodec: codec }));
}

export function toMsgpack(v: Value): Buffer {
  const out = encode(v, { extensionCodec: codec, ignoreUndefined: false });
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export interface DynamicValue {
  msgpack?: Buffer;
  json?: Buffer;
}

export function fromDynamic(dv: unknown): Value {
  const d = dv as DynamicValue | null | undefined;
  if (!d) return null;
  if (d.msgpack && d.msgpack.length) return fromMsgpack(d.msgpack);
  if (d.json && d.json.length) return JSON.parse(d.json.toString('utf8')) as Value;
  return null;
}

export const dynamic = (v: Value): DynamicValue => ({ msgpack: toMsgpack(v) });

/** Whether a value, or anything inside it, is unknown. */
export function hasUnknown(v: Value): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isObj(v)) return Object.values(v).some(hasUnknown);
  return false;
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k]!, b[k]!));
  }
  return false;
}
