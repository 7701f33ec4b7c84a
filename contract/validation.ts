// One ajv instance holding every schema under schemas/, so the engine, the drivers, the HTTP API and the
// provider validate with the very same files. The engine's errors are not known here: it wraps these.
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

// ajv and ajv-formats are CommonJS with a `default` property; Node's ESM loader hands us module.exports.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as typeof AjvModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: unknown) => void;

export type AjvInstance = InstanceType<typeof Ajv>;

export const schemaDir = join(packageRoot, 'schemas');

function listSchemaFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listSchemaFiles(p, `${prefix}${name}/`));
    else if (name.endsWith('.schema.json')) out.push(`${prefix}${name}`);
  }
  return out;
}

export function loadSchema(rel: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(schemaDir, rel), 'utf8')) as Record<string, unknown>;
}

/** Every schema file, keyed by its $id (its path under schemas/). */
export function loadAllSchemas(): Record<string, Record<string, unknown>> {
  const all: Record<string, Record<string, unknown>> = {};
  for (const rel of listSchemaFiles(schemaDir)) all[rel] = loadSchema(rel);
  return all;
}

export function createAjv(opts: { useDefaults?: boolean } = {}): AjvInstance {
  const ajv = new Ajv({ allErrors: true, useDefaults: opts.useDefaults ?? false, strict: false });
  addFormats(ajv);
  for (const schema of Object.values(loadAllSchemas())) ajv.addSchema(schema);
  return ajv;
}

let shared: AjvInstance | undefined;
export function sharedAjv(): AjvInstance {
  return (shared ??= createAjv());
}

export function validator(id: string): ValidateFunction {
  const fn = sharedAjv().getSchema(id);
  if (!fn) throw new Error(`unknown schema ${id}`);
  return fn;
}

/** Turns ajv's first error into a sentence naming the field, e.g. "driver_info.ipmi_port: must be integer". */
export function describeError(e: ErrorObject, root = ''): { field: string; message: string } {
  let path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'required') path = [path, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
  if (e.keyword === 'additionalProperties') {
    path = [path, (e.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
    return { field: [root, path].filter(Boolean).join('.'), message: 'is not a known field' };
  }
  const field = [root, path].filter(Boolean).join('.') || root || '(body)';
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'required') message = 'is required';
  if (e.keyword === 'enum') message = `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return { field, message };
}
