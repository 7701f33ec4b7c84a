// Checks configuration values against the spec's JSON Schema (enums, patterns, lengths, bounds) so a
// mistake is reported at plan time on its own line, not by the service halfway through an apply.
import { typedValue, type FieldSchema } from './convert.js';
import { DiagError, err, type Diagnostic, type PathStep } from './diag.js';
import { resolve, type JsonSchema } from './spec-schemas.js';
import { isObj, isUnknown, type Value } from './values.js';

/**
 * A map(string) attribute: each value converted as it will be sent (by its field's schema, when it has
 * one) and checked as converted.
 */
export function validateMap(m: Value, field: FieldSchema, path: PathStep[], out: Diagnostic[]): void {
  if (!isObj(m)) return;
  for (const [k, v] of Object.entries(m)) {
    const schema = field(k);
    if (typeof v !== 'string' || !schema) continue;
    const at = [...path, { key: k }];
    try {
      validateValue(typedValue(v, schema, at) as Value, schema, at, out);
    } catch (e) {
      if (!(e instanceof DiagError)) throw e;
      out.push(...e.diagnostics);
    }
  }
}

export function validateValue(v: Value, raw: JsonSchema, path: PathStep[], out: Diagnostic[]): void {
  if (v === null || isUnknown(v)) return;
  const s = resolve(raw);
  const bad = (detail: string) => out.push(err('Invalid attribute value', detail, path));
  if (s.enum && !s.enum.includes(v)) return void bad(`${JSON.stringify(v)} is not one of ${s.enum.map((x) => JSON.stringify(x)).join(', ')}.`);
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < s.minLength) bad(`must be at least ${s.minLength} characters long.`);
    if (s.maxLength !== undefined && v.length > s.maxLength) bad(`must be at most ${s.maxLength} characters long.`);
    if (s.pattern && !new RegExp(s.pattern).test(v)) bad(`${JSON.stringify(v)} does not match ${s.pattern}${s.description ? ` (${s.description})` : ''}.`);
  } else if (typeof v === 'number') {
    if (s.type === 'integer' && !Number.isInteger(v)) bad(`${v} is not an integer.`);
    if (s.minimum !== undefined && v < s.minimum) bad(`must be at least ${s.minimum}.`);
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) bad(`must be greater than ${s.exclusiveMinimum}.`);
    if (s.maximum !== undefined && v > s.maximum) bad(`must be at most ${s.maximum}.`);
  } else if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) bad(`at most ${s.maxItems} elements.`);
    if (s.items) v.forEach((x, i) => validateValue(x, s.items!, [...path, i], out));
  } else if (isObj(v)) {
    // Open objects are map(string) attributes (derive.ts): their strings are checked as converted.
    if (s.additionalProperties !== false) return validateMap(v, (k) => s.properties?.[k], path, out);
    for (const [k, x] of Object.entries(v)) {
      const p = s.properties?.[k];
      if (p) validateValue(x, p, [...path, k], out);
    }
  }
}
