// JSON Schema → Terraform attributes. The spec schemas are the single source of truth: this mapping is
// the only place a spec property becomes an attribute, and test/provider/schema.test.ts checks the result.
//   string/enum → string, integer/number → number, boolean → bool,
//   closed object (fixed properties) → nested attribute (single),
//   array of closed objects → nested attribute (list, or set when uniqueItems),
//   array of scalars → list(T) (set(T) when uniqueItems),
//   open object (free-form keys) → map(string), values converted to the schema's types on the way out,
//   nullable (type [T, "null"], or oneOf/anyOf with a {"type": "null"} branch) → T (Terraform values are
//   all nullable).
import type { Attr, CtyType } from './cty.js';
import { resolve, type JsonSchema } from './spec-schemas.js';
import type { Value } from './values.js';

const closed = (s: JsonSchema) => s.type === 'object' && s.additionalProperties === false && !!s.properties;

/** The schema without its null alternative: what a nullable field holds when it holds something. */
function nonNull(s: JsonSchema): JsonSchema {
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t) => t !== 'null');
    if (types.length !== 1) throw new Error(`no Terraform type for a union of ${types.join(', ')}`);
    return { ...s, type: types[0] };
  }
  const branches = s.oneOf ?? s.anyOf;
  if (branches && s.type === undefined) {
    const rest = branches.filter((b) => resolve(b).type !== 'null');
    if (rest.length !== 1) throw new Error('no Terraform type for a oneOf/anyOf of several non-null schemas');
    return resolve(rest[0]!);
  }
  return s;
}

export function derivedType(raw: JsonSchema): Pick<Attr, 'type' | 'nested'> {
  const s = nonNull(resolve(raw));
  switch (s.type) {
    case 'string':
      return { type: 'string' };
    case 'integer':
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'bool' };
    case 'array': {
      const items = resolve(s.items ?? {});
      const kind = s.uniqueItems ? 'set' : 'list';
      if (closed(items)) return { nested: { nesting: kind, attributes: deriveAttributes(items) } };
      const inner = derivedType(items);
      if (!inner.type) throw new Error('arrays of nested values are not supported');
      return { type: [kind, inner.type] as CtyType };
    }
    case 'object':
      if (closed(s)) return { nested: { nesting: 'single', attributes: deriveAttributes(s) } };
      return { type: ['map', 'string'] };
    default:
      throw new Error(`no Terraform type for JSON Schema type ${String(s.type)}`);
  }
}

/** One attribute per property: required as the schema says, optional otherwise; defaults make it optional+computed. */
export function deriveAttributes(raw: JsonSchema): Attr[] {
  const s = resolve(raw);
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, p]) => {
    const r = resolve(p);
    const a: Attr = { name, ...derivedType(p), description: r.description };
    if (required.has(name)) a.required = true;
    else a.optional = true;
    if (r.default !== undefined && !required.has(name)) {
      a.computed = true;
      a.default = r.default as Value;
    }
    return a;
  });
}
