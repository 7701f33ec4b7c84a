// What power, management, inspect and bios share: the system resource and its Reset action.
import { DriverError, type Logger, type Task } from '../types.js';
import type { Json, RedfishClient } from './client.js';
import type { RedfishConnection, RedfishDriverInfoSchema } from './driver-info.js';

export interface RedfishDeps {
  client: RedfishClient;
  driverInfo: RedfishDriverInfoSchema;
}

/** The node's connection, its system's path and the system resource as the BMC reports it now. */
export async function readSystem(deps: RedfishDeps, task: Task): Promise<{ conn: RedfishConnection; path: string; system: Json }> {
  const conn = deps.driverInfo.connectionOf(task);
  const path = await deps.client.systemPath(conn, task.log);
  return { conn, path, system: await deps.client.get(conn, path, task.log) };
}

export type ResetType = 'On' | 'ForceOff' | 'ForceRestart' | 'GracefulShutdown' | 'GracefulRestart' | 'Nmi' | 'ForceOn' | 'PushPowerButton';

/**
 * ComputerSystem.Reset with the first of `wanted` the BMC allows (its AllowableValues, when it lists them:
 * some offer ForceOn rather than On).
 */
export async function reset(deps: RedfishDeps, conn: RedfishConnection, system: Json, wanted: ResetType[], log: Logger): Promise<ResetType> {
  const action: Json | undefined = system.Actions?.['#ComputerSystem.Reset'];
  if (!action?.target) throw new DriverError('DriverOperationError', `BMC ${conn.origin}: system ${system['@odata.id']} has no #ComputerSystem.Reset action`);
  const allowed: string[] | undefined = action['ResetType@Redfish.AllowableValues'];
  const type = allowed ? wanted.find((t) => allowed.includes(t)) : wanted[0];
  if (!type) throw new DriverError('DriverOperationError', `BMC ${conn.origin} does not offer reset ${wanted.join(' or ')} (it offers ${allowed!.join(', ')})`);
  await deps.client.post(conn, action.target, { ResetType: type }, log);
  return type;
}
