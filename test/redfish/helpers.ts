// The redfish interfaces against the lab's Redfish BMC (in-memory machine): a Task carrying the node's
// driver_info, the interfaces built the way drivers/redfish/index.ts registers them.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { InspectInterface, Logger, ManagementInterface, PowerInterface, Task } from '../../drivers/types.js';
import { register } from '../../drivers/redfish/index.js';
import { RedfishClient } from '../../drivers/redfish/client.js';
import { startRedfishBmc, type RedfishBmc, type RedfishBmcOptions } from '../../lab/redfish/server.js';
import type { FakeMachine } from '../../lab/redfish/machine.js';

export const USERNAME = 'admin';
export const PASSWORD = 'rf-lab-secret-91c2';

export interface RedfishLab {
  bmc: RedfishBmc;
  machine: FakeMachine;
  client: RedfishClient;
  power: PowerInterface;
  management: ManagementInterface;
  inspect: InspectInterface;
  /** A task for a node of this BMC; overrides change its driver_info. */
  task(overrides?: Record<string, unknown>): Task;
  logs: Array<{ level: string; obj: object | string; msg?: string }>;
  close(): Promise<void>;
}

export async function startLab(opts: RedfishBmcOptions = {}): Promise<RedfishLab> {
  const bmc = await startRedfishBmc({ username: USERNAME, password: PASSWORD, ...opts });
  const client = new RedfishClient();
  const impls: Record<string, unknown> = {};
  register({ registerInterface: (kind, impl) => void (impls[kind] = impl), registerHardwareType() {} }, { client });
  const logs: RedfishLab['logs'] = [];
  const record = (level: string) => (obj: object | string, msg?: string) => void logs.push({ level, obj, msg });
  const log: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  return {
    bmc,
    machine: bmc.machine as FakeMachine,
    client,
    power: impls.power as PowerInterface,
    management: impls.management as ManagementInterface,
    inspect: impls.inspect as InspectInterface,
    logs,
    task(overrides = {}) {
      const node = { uuid: '5f0c2a9e-7d1b-4a53-9a8e-2f4b6c1d3e70', name: 'rf-node', driver: 'redfish', driver_info: driverInfoFor(bmc, overrides), properties: {} } as unknown as NodeRecord;
      return { node, ports: [], log } as unknown as Task;
    },
    async close() {
      await client.close();
      await bmc.close();
    },
  };
}

export function driverInfoFor(bmc: RedfishBmc, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    redfish_address: bmc.address,
    redfish_username: USERNAME,
    redfish_password: PASSWORD,
    redfish_verify_ca: false,
    redfish_timeout: 5,
    redfish_connection_attempts: 3,
    redfish_retry_interval: 0.02,
    ...overrides,
  };
}
