// map(string) attributes ↔ the typed JSON the service stores. Terraform maps hold one element type, so
// free-form objects are maps of strings here and are converted by the field's JSON Schema on the way out.
import { DiagError, type PathStep } from './diag.js';
import { resolve, type JsonSchema } from './spec-schemas.js';
import { isObj, isUnknown, type Obj, type Value } from './values.js';

export type FieldSchema = (key: string) => JsonSchema | undefined;
/** Free-form maps (extra, meta_data): no field has a schema, every value stays a string. */
export const freeForm: FieldSchema = () => undefined;

export function typedValue(s: string, schema: JsonSchema | undefined, path: PathStep[]): unknown {
  const t = schema ? resolve(schema).type : undefined;
  if (t === 'integer') {
    if (!/^-?\d+$/.test(s.trim())) throw new DiagError('Invalid value', `"${s}" is not an integer`, path);
    return Number(s);
  }
  if (t === 'number') {
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n)) throw new DiagError('Invalid value', `"${s}" is not a number`, path);
    return n;
  }
  if (t === 'boolean') {
    if (s !== 'true' && s !== 'false') throw new DiagError('Invalid value', `"${s}" is not a boolean (true or false)`, path);
    return s === 'true';
  }
  return s;
}

/** A configured map(string) as the typed object the API takes; unknown elements are skipped. */
export function typedMap(m: Value, fields: FieldSchema, path: PathStep[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObj(m)) return out;
  for (const [k, v] of Object.entries(m)) {
    if (v === null || isUnknown(v)) continue;
    out[k] = typedValue(String(v), fields(k), [...path, { key: k }]);
  }
  return out;
}

export const asString = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * A stored object as map(string), keeping the prior spelling of values that mean the same ("04" stays
 * "04" when the service stored 4), so a normalised value is not reported as drift. An empty object
 * reads as null when the prior value was null.
 */
export function stringMap(obj: Record<string, unknown> | null | undefined, prior: Value, fields: FieldSchema, skip: (k: string) => boolean = () => false): Value {
  const entries = Object.entries(obj ?? {}).filter(([k]) => !skip(k));
  if (entries.length === 0) return isObj(prior) && Object.keys(prior).length === 0 ? {} : null;
  const p = isObj(prior) ? prior : {};
  const out: Obj = {};
  for (const [k, v] of entries) {
    const pv = p[k];
    if (typeof pv === 'string') {
      try {
        if (JSON.stringify(typedValue(pv, fields(k), [])) === JSON.stringify(v)) {
          out[k] = pv;
          continue;
        }
      } catch {
        // the prior spelling no longer converts: report the stored value
      }
    }
    out[k] = asString(v);
  }
  return out;
}
