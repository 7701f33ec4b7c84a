import type { ValidateFunction } from 'ajv';
import type { IpmiDriverInfo } from '../../contract/generated/drivers/ipmi.js';
import { compileDriverInfo, driverInfoError, loadDriverSchema } from '../schema.js';
import type { JsonSchema, Task } from '../types.js';

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
    this.validateFn = compileDriverInfo(schema);
  }

  static load(): IpmiDriverInfoSchema {
    return new IpmiDriverInfoSchema();
  }

  /** Checks driver_info (without touching the caller's object) and returns it with defaults applied. */
  parse(driverInfo: unknown): IpmiConnection {
    const info: unknown = structuredClone(driverInfo ?? {});
    if (!this.validateFn(info)) throw driverInfoError(this.validateFn.errors ?? [], 'ipmitool');
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

