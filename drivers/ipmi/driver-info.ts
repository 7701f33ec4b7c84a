import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DriverError, type JsonSchema } from '../types.js';
import type { IpmiDriverInfo } from '../../engine/generated/drivers/ipmi.js';

const SCHEMA_RELATIVE_PATH = join('schemas', 'drivers', 'ipmi.schema.json');

/** Everything needed to reach one BMC, with the schema defaults filled in. */
export interface IpmiConnection {
  address: string;
  port: number;
  username?: string;
  password?: string;
  cipherSuite: number;
  retries: number;
  timeoutSec: number;
}

/**
 * The schema lives outside the compiled tree, and this module runs both from drivers/ipmi (source,
 * vitest) and dist/drivers/ipmi (compiled), so walk up until the schema is found rather than
 * hard-coding a relative depth.
 */
export function findIpmiSchemaPath(fromUrl: string | URL = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidate = join(dir, SCHEMA_RELATIVE_PATH);
    // The package root (beside package.json), not a copy a compiler may have put under dist/.
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`${SCHEMA_RELATIVE_PATH} not found in any parent of ${fileURLToPath(fromUrl)}`);
    }
    dir = parent;
  }
}

export class IpmiDriverInfoSchema {
  readonly schema: JsonSchema;
  private readonly validateFn: ValidateFunction;

  constructor(schema: JsonSchema) {
    this.schema = schema;
    // Not strict: the schema also feeds type generation and API docs, which may add annotations Ajv does not know.
    const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
    this.validateFn = ajv.compile(schema);
  }

  static load(schemaPath: string = findIpmiSchemaPath()): IpmiDriverInfoSchema {
    return new IpmiDriverInfoSchema(JSON.parse(readFileSync(schemaPath, 'utf8')) as JsonSchema);
  }

  /** Checks driver_info (without touching the caller's object) and returns it with defaults applied. */
  parse(driverInfo: unknown): IpmiConnection {
    const info: unknown = structuredClone(driverInfo ?? {});
    if (!this.validateFn(info)) throw toDriverError(this.validateFn.errors ?? []);
    const valid = info as IpmiDriverInfo & Required<Pick<IpmiDriverInfo, 'ipmi_port' | 'ipmi_cipher_suite' | 'ipmi_retries' | 'ipmi_timeout'>>;
    return {
      address: valid.ipmi_address,
      port: valid.ipmi_port,
      username: valid.ipmi_username || undefined,
      password: valid.ipmi_password || undefined,
      cipherSuite: valid.ipmi_cipher_suite,
      retries: valid.ipmi_retries,
      timeoutSec: valid.ipmi_timeout,
    };
  }
}

function toDriverError(errors: ErrorObject[]): DriverError {
  // A missing field is the likeliest operator mistake and the most useful to name, so it wins.
  const missing = errors.find((e) => e.keyword === 'required');
  if (missing) {
    const field = String((missing.params as { missingProperty: string }).missingProperty);
    return new DriverError('MissingParameterValue', `driver_info.${field} is required by the ipmitool interfaces`, field);
  }
  const first = errors[0];
  const field = first?.instancePath.split('/')[1];
  if (!first || !field) {
    return new DriverError('InvalidParameterValue', `driver_info ${first?.message ?? 'is invalid'}`);
  }
  // The offending value is deliberately not echoed: it could be the password.
  return new DriverError('InvalidParameterValue', `driver_info.${field} ${first.message ?? 'is invalid'}`, field);
}
