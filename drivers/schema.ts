import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../contract/paths.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv, describeError } from '../contract/validation.js';
import { DriverError, type JsonSchema } from './types.js';

/** A driver_info schema from schemas/drivers/ (the single source the types are generated from). */
export function loadDriverSchema(file: string): JsonSchema {
  return JSON.parse(readFileSync(join(packageRoot, 'schemas', 'drivers', file), 'utf8')) as JsonSchema;
}

/**
 * The validator of one hardware type's driver_info: its own ajv instance, since only these may fill in
 * defaults (on a copy, see the parsers). createAjv already holds every file under schemas/ by $id and
 * compiling a second schema under the same $id would throw, so a schema passed in replaces the stored one.
 */
export function compileDriverInfo(schema: JsonSchema): ValidateFunction {
  const ajv = createAjv({ useDefaults: true });
  if (typeof schema.$id === 'string') ajv.removeSchema(schema.$id);
  return ajv.compile(schema);
}

const ROOT = 'driver_info';

/**
 * driver_info's schema errors as the DriverError to raise. A missing field is the likeliest operator
 * mistake and the most useful to name, so it wins; then the first error that is not an anyOf summary.
 * describeError never quotes the offending value, which could be the password.
 */
export function driverInfoError(errors: ErrorObject[], interfaces: string): DriverError {
  const missing = errors.find((e) => e.keyword === 'required');
  const first = missing ?? errors.find((e) => e.keyword !== 'anyOf') ?? errors[0];
  if (!first) return new DriverError('InvalidParameterValue', `${ROOT} is invalid`);
  const { field, message } = describeError(first, ROOT);
  const name = field.startsWith(`${ROOT}.`) ? field.slice(ROOT.length + 1) : undefined;
  if (missing) return new DriverError('MissingParameterValue', `${field} ${message} by the ${interfaces} interfaces`, name);
  return new DriverError('InvalidParameterValue', `${field} ${message}`, name);
}
