// The Terraform schema is derived from schemas/*.schema.json: every spec property is an attribute of the
// type the mapping gives, and the only other attributes are the documented additions.
import { describe, expect, it } from 'vitest';
import { attrType, type Attr, type CtyType } from '../../provider/src/cty.js';
import { ADDED, NODES_ENTRY_FIELDS, allocationBlock, deploymentBlock, nodeBlock, nodesDataBlock, portBlock } from '../../provider/src/schemas.js';
import { ALLOCATION_SPEC, DEPLOYMENT_SPEC, NODE_RECORD, NODE_SPEC, PORT_SPEC, resolve, driverFields, type JsonSchema } from '../../provider/src/spec-schemas.js';
import { providerSchemaResponse } from '../../provider/src/provider.js';

/** The mapping written out independently of derive.ts. */
function expected(raw: JsonSchema): CtyType {
  const s = resolve(raw);
  // Nullable: Terraform values all are, so the null alternative adds nothing.
  if (Array.isArray(s.type)) return expected({ ...s, type: s.type.find((t) => t !== 'null') });
  if (s.oneOf) return expected(s.oneOf.find((b) => resolve(b).type !== 'null')!);
  if (s.type === 'string') return 'string';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.type === 'boolean') return 'bool';
  if (s.type === 'array') return [s.uniqueItems ? 'set' : 'list', expected(s.items!)];
  if (s.type === 'object' && s.additionalProperties === false && s.properties) {
    return ['object', Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, expected(p)]))];
  }
  if (s.type === 'object') return ['map', 'string'];
  throw new Error(`unexpected ${String(s.type)}`);
}

const cases: Array<[string, JsonSchema, Attr[]]> = [
  ['ironplan_node', NODE_SPEC, nodeBlock().attributes],
  ['ironplan_deployment', DEPLOYMENT_SPEC, deploymentBlock().attributes],
  ['ironplan_port', PORT_SPEC, portBlock().attributes],
  ['ironplan_allocation', ALLOCATION_SPEC, allocationBlock().attributes],
];

describe.each(cases)('%s schema', (resource, spec, attrs) => {
  const byName = new Map(attrs.map((a) => [a.name, a]));
  it('has every spec property with its derived type', () => {
    for (const [name, prop] of Object.entries(spec.properties!)) {
      const a = byName.get(name);
      expect(a, `${resource}.${name} is missing`).toBeDefined();
      expect(attrType(a!), `${resource}.${name}`).toEqual(expected(prop));
      expect(!!a!.required, `${resource}.${name} required`).toBe((spec.required ?? []).includes(name));
    }
  });
  it('has nothing else but the documented additions', () => {
    const extra = attrs.map((a) => a.name).filter((n) => !(n in spec.properties!));
    expect(extra.sort()).toEqual(Object.keys(ADDED[resource]!).sort());
  });
});

describe('ironplan_nodes data source', () => {
  it('lists each node with the types node-record.schema.json gives the fields it shows', () => {
    const nodes = nodesDataBlock().attributes.find((a) => a.name === 'nodes')!;
    const byName = new Map(nodes.nested!.attributes.map((a) => [a.name, a]));
    expect([...byName.keys()]).toEqual(NODES_ENTRY_FIELDS.map(([, as]) => as));
    for (const [field, as] of NODES_ENTRY_FIELDS) {
      expect(attrType(byName.get(as)!), as).toEqual(expected(NODE_RECORD.properties![field]!));
      expect(byName.get(as)!.computed, as).toBe(true);
    }
    // Nullable strings, a nullable $ref (power_state) and a set of traits come out as Terraform types.
    expect(attrType(byName.get('power_state')!)).toBe('string');
    expect(attrType(byName.get('instance_uuid')!)).toBe('string');
    expect(attrType(byName.get('maintenance')!)).toBe('bool');
    expect(attrType(byName.get('traits')!)).toEqual(['set', 'string']);
  });
});

describe('secrets', () => {
  it('are exactly the writeOnly driver_info fields, and driver_secrets is sensitive', () => {
    const secrets = [...driverFields()].filter(([, f]) => f.secret).map(([k]) => k);
    expect(secrets).toEqual(['ipmi_password']);
    expect(nodeBlock().attributes.find((a) => a.name === 'driver_secrets')!.sensitive).toBe(true);
  });

  it('a deployment\'s user and meta data are sensitive (hidden in plans)', () => {
    const attrs = deploymentBlock().attributes;
    for (const name of ['user_data', 'meta_data']) expect(attrs.find((a) => a.name === name)!.sensitive, name).toBe(true);
  });
});

describe('provider schema response', () => {
  it('lists the resources and data sources', () => {
    const r = providerSchemaResponse() as { resource_schemas: Record<string, unknown>; data_source_schemas: Record<string, unknown> };
    expect(Object.keys(r.resource_schemas).sort()).toEqual(['ironplan_allocation', 'ironplan_deployment', 'ironplan_node', 'ironplan_port']);
    expect(Object.keys(r.data_source_schemas).sort()).toEqual(['ironplan_node', 'ironplan_nodes']);
  });
});
