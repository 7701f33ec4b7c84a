// driver_info of the redfish interfaces: checked against schemas/drivers/redfish.schema.json (the single
// source of its shape), defaults filled in, turned into what the client needs to reach one BMC.
import type { ValidateFunction } from 'ajv';
import type { RedfishDriverInfo } from '../../contract/generated/drivers/redfish.js';
import { compileDriverInfo, driverInfoError, loadDriverSchema } from '../schema.js';
import { DriverError, type JsonSchema, type Task } from '../types.js';

export type AuthType = 'basic' | 'session' | 'auto';

/** Everything needed to reach one BMC's system, with the schema defaults filled in. */
export interface RedfishConnection {
  /** Scheme, host and port: https://10.0.0.5:443 */
  origin: string;
  /** The ComputerSystem's path, when driver_info names it. */
  systemId?: string;
  username?: string;
  password?: string;
  /** true/false, or a CA bundle path. */
  verifyCa: boolean | string;
  authType: AuthType;
  timeoutMs: number;
  attempts: number;
  retryIntervalMs: number;
}

type Valid = RedfishDriverInfo & Required<Pick<RedfishDriverInfo, 'redfish_verify_ca' | 'redfish_auth_type' | 'redfish_timeout' | 'redfish_connection_attempts' | 'redfish_retry_interval'>>;

const ROOT = 'driver_info';

export class RedfishDriverInfoSchema {
  readonly schema: JsonSchema;
  private readonly validateFn: ValidateFunction;

  constructor(schema: JsonSchema = loadDriverSchema('redfish.schema.json')) {
    this.schema = schema;
    this.validateFn = compileDriverInfo(schema);
  }

  parse(driverInfo: unknown): RedfishConnection {
    const info: unknown = structuredClone(driverInfo ?? {});
    if (!this.validateFn(info)) throw driverInfoError(this.validateFn.errors ?? [], 'redfish');
    const v = info as Valid;
    return {
      origin: originOf(v.redfish_address),
      systemId: v.redfish_system_id ? normalizeSystemId(v.redfish_system_id) : undefined,
      username: v.redfish_username || undefined,
      password: v.redfish_password || undefined,
      verifyCa: verifyCaOf(v.redfish_verify_ca),
      authType: v.redfish_auth_type,
      timeoutMs: v.redfish_timeout * 1000,
      attempts: v.redfish_connection_attempts,
      retryIntervalMs: v.redfish_retry_interval * 1000,
    };
  }

  connectionOf(task: Task): RedfishConnection {
    return this.parse(task.node.driver_info);
  }
}

/** https unless the address says http:// (Ironic's rule); a path in the address is not the BMC's. */
function originOf(address: string): string {
  const withScheme = /^https?:\/\//i.test(address) ? address : `https://${address}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new DriverError('InvalidParameterValue', `${ROOT}.redfish_address: "${address}" is not a host, host:port or http(s) URL`, 'redfish_address');
  }
  return url.origin;
}

/**
 * "true"/"false" as strings mean the booleans, as Ironic reads them (oslo bool_from_string): driver_info
 * often comes as strings (the CLI, terraform's map of strings), and no CA bundle is called "false".
 */
function verifyCaOf(v: boolean | string): boolean | string {
  if (typeof v === 'boolean') return v;
  const s = v.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(s)) return true;
  if (['false', 'no', 'off', '0'].includes(s)) return false;
  return v;
}

/** A bare id ("1", "System.Embedded.1") means the system of that id under /redfish/v1/Systems. */
function normalizeSystemId(id: string): string {
  return id.startsWith('/') ? id.replace(/\/+$/, '') : `/redfish/v1/Systems/${id}`;
}

