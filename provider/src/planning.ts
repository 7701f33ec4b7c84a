// The planned value of a resource from its configuration: configured values as given, defaults where an
// optional+computed attribute is unset, prior values for what the service computes (unknown on create).
import type { Attr, Block } from './cty.js';
import { isObj, isUnknown, UNKNOWN, type Obj, type Value } from './values.js';

/** `creating`: there is no prior object, so what the service computes is not known yet. */
function plannedAttr(a: Attr, config: Value, prior: Value, creating: boolean): Value {
  // Write-only values live in the configuration alone: the plan holds null for them.
  if (a.writeOnly) return null;
  if (isUnknown(config)) return UNKNOWN;
  if (a.computed && !a.optional && !a.required) return creating ? UNKNOWN : prior;
  if (config === null || config === undefined) {
    if (!a.computed) return null;
    if (a.default !== undefined) return a.default;
    return creating ? UNKNOWN : prior;
  }
  if (!a.nested) return config;
  const inner = a.nested.attributes;
  if (a.nested.nesting === 'single') return plannedObject(inner, config, prior);
  if (Array.isArray(config)) {
    const p = Array.isArray(prior) ? prior : [];
    return config.map((e, i) => plannedObject(inner, e, a.nested!.nesting === 'list' ? (p[i] ?? null) : null));
  }
  return config;
}

export function plannedObject(attrs: Attr[], config: Value, prior: Value): Value {
  if (isUnknown(config)) return UNKNOWN;
  if (!isObj(config)) return null;
  const p = isObj(prior) ? prior : null;
  const out: Obj = {};
  for (const a of attrs) out[a.name] = plannedAttr(a, config[a.name] ?? null, p ? (p[a.name] ?? null) : null, p === null);
  return out;
}

export function plannedState(b: Block, config: Obj, prior: Obj | null): Obj {
  const out = plannedObject(b.attributes, config, prior) as Obj;
  for (const nb of b.blocks ?? []) out[nb.typeName] = config[nb.typeName] ?? null;
  return out;
}

/** Fills the unknowns of a planned value from the applied result, keeping every known planned value. */
export function settle(planned: Value, actual: Value): Value {
  if (isUnknown(planned)) return isUnknown(actual) ? null : actual;
  if (Array.isArray(planned)) {
    const a = Array.isArray(actual) ? actual : [];
    return planned.map((x, i) => settle(x, a[i] ?? null));
  }
  if (isObj(planned)) {
    const a = isObj(actual) ? actual : {};
    const out: Obj = {};
    for (const [k, v] of Object.entries(planned)) out[k] = settle(v, a[k] ?? null);
    return out;
  }
  return planned;
}
