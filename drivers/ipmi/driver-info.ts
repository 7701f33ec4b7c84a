import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv, describeError } from '../../contract/validation.js';
import type { IpmiDriverInfo } from '../../contract/generated/drivers/ipmi.js';
import { loadDriverSchema } from '../schema.js';
import { DriverError, type JsonSchema, type Task } from '../types.js';

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

type ValidIpmiDriverInfo = IpmiDriverInfo & Required<Pick<IpmiDriverInfo, 'ipmi_port' | 'ipmi_cipher_suite' | 'ipmi_retries' | 'ipmi_timeout'>>;

export class IpmiDriverInfoSchema {
  readonly schema: JsonSchema;
  private readonly validateFn: ValidateFunction;

  constructor(schema: JsonSchema = loadDriverSchema('ipmi.schema.json')) {
    this.schema = schema;
    // Its own instance rather than sharedAjv(): only this one may fill in defaults (on a copy, see parse).
    const ajv = createAjv({ useDefaults: true });
    // createAjv already holds every file under schemas/ by $id; compiling a second schema under the
    // same $id would throw, so a schema passed in replaces the stored one.
    if (typeof schema.$id === 'string') ajv.removeSchema(schema.$id);
    this.validateFn = ajv.compile(schema);
  }

  static load(): IpmiDriverInfoSchema {
    return new IpmiDriverInfoSchema();
  }

  /** Checks driver_info (without touching the caller's object) and returns it with defaults applied. */
  parse(driverInfo: unknown): IpmiConnection {
    const info: unknown = structuredClone(driverInfo ?? {});
    if (!this.validateFn(info)) throw toDriverError(this.validateFn.errors ?? []);
    const valid = info as ValidIpmiDriverInfo;
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

  connectionOf(task: Task): IpmiConnection {
    return this.parse(task.node.driver_info);
  }
}

const ROOT = 'driver_info';

function toDriverError(errors: ErrorObject[]): DriverError {
  // A missing field is the likeliest operator mistake and the most useful to name, so it wins.
  const missing = errors.find((e) => e.keyword === 'required');
  const first = missing ?? errors[0];
  if (!first) return new DriverError('InvalidParameterValue', `${ROOT} is invalid`);
  // describeError never quotes the offending value, which could be the password.
  const { field, message } = describeError(first, ROOT);
  const name = field.startsWith(`${ROOT}.`) ? field.slice(ROOT.length + 1) : undefined;
  if (missing) return new DriverError('MissingParameterValue', `${field} ${message} by the ipmitool interfaces`, name);
  return new DriverError('InvalidParameterValue', `${field} ${message}`, name);
}
