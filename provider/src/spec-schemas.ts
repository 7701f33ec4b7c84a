// The project's JSON Schemas, the single source of truth the Terraform schema is derived from. Bundled
// into the provider at build time (esbuild inlines JSON), so the provider never reads them from disk.
import common from '../../schemas/common.schema.json' with { type: 'json' };
import nodeSpec from '../../schemas/node-spec.schema.json' with { type: 'json' };
import portSpec from '../../schemas/port-spec.schema.json' with { type: 'json' };
import deploymentSpec from '../../schemas/deployment-spec.schema.json' with { type: 'json' };
import nodeRecord from '../../schemas/node-record.schema.json' with { type: 'json' };
import allocationCreate from '../../schemas/allocation-create.schema.json' with { type: 'json' };
import fakeDriver from '../../schemas/drivers/fake.schema.json' with { type: 'json' };
import ipmiDriver from '../../schemas/drivers/ipmi.schema.json' with { type: 'json' };
import pxeDriver from '../../schemas/drivers/pxe.schema.json' with { type: 'json' };

export interface JsonSchema {
  $id?: string;
  $ref?: string;
  type?: string | string[];
  description?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  default?: unknown;
  writeOnly?: boolean;
  definitions?: Record<string, JsonSchema>;
}

const all = [common, nodeSpec, portSpec, deploymentSpec, nodeRecord, allocationCreate, fakeDriver, ipmiDriver, pxeDriver] as unknown as JsonSchema[];
export const SCHEMAS: ReadonlyMap<string, JsonSchema> = new Map(all.map((s) => [s.$id!, s]));
export const NODE_SPEC = nodeSpec as unknown as JsonSchema;
export const PORT_SPEC = portSpec as unknown as JsonSchema;
export const DEPLOYMENT_SPEC = deploymentSpec as unknown as JsonSchema;
/** An allocation as the service takes it (POST /v1/allocations): ironplan_allocation's attributes. */
export const ALLOCATION_SPEC = allocationCreate as unknown as JsonSchema;
/** What the engine records for a node: the shape of each entry the ironplan_nodes data source lists. */
export const NODE_RECORD = nodeRecord as unknown as JsonSchema;
/** driver_info schemas of every built-in interface: where `writeOnly` marks a secret. */
export const DRIVER_INFO_SCHEMAS = [fakeDriver, ipmiDriver, pxeDriver] as unknown as JsonSchema[];

/** Follows `$ref`s of the form `file.json#/json/pointer` (or a bare file) among the bundled schemas. */
export function resolve(s: JsonSchema, base: JsonSchema = s): JsonSchema {
  let cur = s;
  let from = base;
  for (let guard = 0; cur.$ref && guard < 10; guard++) {
    const [file, pointer = ''] = cur.$ref.split('#');
    const doc = file ? SCHEMAS.get(file) : from;
    if (!doc) throw new Error(`unresolvable $ref ${cur.$ref}`);
    let target: unknown = doc;
    for (const part of pointer.split('/').filter(Boolean)) target = (target as Record<string, unknown>)[part];
    if (!target) throw new Error(`unresolvable $ref ${cur.$ref}`);
    // A sibling description overrides the referenced one, as the schemas use it.
    const merged = { ...(target as JsonSchema), ...(cur.description ? { description: cur.description } : {}) };
    delete merged.$ref;
    if ((target as JsonSchema).$ref) merged.$ref = (target as JsonSchema).$ref;
    from = doc;
    cur = merged;
  }
  return cur;
}

export interface DriverField {
  schema: JsonSchema;
  secret: boolean;
}

/** Every driver_info field a built-in interface declares, by name. */
export function driverFields(): Map<string, DriverField> {
  const out = new Map<string, DriverField>();
  for (const s of DRIVER_INFO_SCHEMAS) {
    for (const [k, p] of Object.entries(s.properties ?? {})) out.set(k, { schema: p, secret: !!p.writeOnly });
  }
  return out;
}
