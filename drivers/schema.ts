import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../contract/paths.js';
import type { JsonSchema } from './types.js';

/** A driver_info schema from schemas/drivers/ (the single source the types are generated from). */
export function loadDriverSchema(file: string): JsonSchema {
  return JSON.parse(readFileSync(join(packageRoot, 'schemas', 'drivers', file), 'utf8')) as JsonSchema;
}
