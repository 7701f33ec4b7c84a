// The engine validates with the contract's ajv (the drivers' very schemas and instance), adding only
// what is the engine's own: failures as EngineError.
import { describeError, validator } from '../contract/validation.js';
import { EngineError } from './errors.js';

export { createAjv, sharedAjv, validator, describeError, loadSchema, loadAllSchemas, schemaDir, type AjvInstance } from '../contract/validation.js';

/** Validates `value` against schema `id`, throwing InvalidParameter that names the first bad field. */
export function assertValid<T>(id: string, value: unknown, root = ''): T {
  const fn = validator(id);
  if (!fn(value)) {
    const { field, message } = describeError(fn.errors![0]!, root);
    throw new EngineError('InvalidParameter', `${field}: ${message}`, field);
  }
  return value as T;
}
