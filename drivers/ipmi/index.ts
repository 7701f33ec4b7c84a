import type { DriverRegistrar, Logger, ServiceSettings } from '../types.js';
import { IpmiDriverInfoSchema } from './driver-info.js';
import { IpmitoolClient, type IpmitoolClientOptions } from './ipmitool.js';
import { createIpmitoolManagement } from './management.js';
import { createIpmitoolPower } from './power.js';

export { IpmiDriverInfoSchema, type IpmiConnection } from './driver-info.js';
export { IpmitoolClient, bmcLabel, type IpmitoolClientOptions, type IpmitoolResult } from './ipmitool.js';
export { createIpmitoolPower } from './power.js';
export { createIpmitoolManagement } from './management.js';
export { KeyedSerializer } from './keyed-serializer.js';

/**
 * Registers the `ipmitool` power and management interfaces. They share one client so that calls
 * from either to the same BMC are serialized together.
 */
export function register(
  registry: DriverRegistrar,
  options: { log?: Logger; settings?: ServiceSettings; ipmitool?: IpmitoolClientOptions } = {},
): void {
  const client = new IpmitoolClient(options.ipmitool);
  const driverInfo = IpmiDriverInfoSchema.load();
  registry.registerInterface('power', createIpmitoolPower({ client, driverInfo }));
  registry.registerInterface('management', createIpmitoolManagement({ client, driverInfo }));
}
