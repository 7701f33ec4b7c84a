import { BOOT_DEVICES, DriverError, type BootDevice, type BootDeviceInfo, type ManagementInterface, type Task } from '../types.js';
import type { IpmiConnection, IpmiDriverInfoSchema } from './driver-info.js';
import { bmcLabel, type IpmitoolClient } from './ipmitool.js';
import { parseBootParam5 } from './parse.js';

/** ipmitool's `chassis bootdev` names for our boot devices (they happen to coincide). */
const BOOTDEV_ARG: Readonly<Record<BootDevice, string>> = { pxe: 'pxe', disk: 'disk', cdrom: 'cdrom', bios: 'bios', safe: 'safe' };

/** ipmitool reports a rejected Set Boot Options on stderr yet exits 0 (seen with ipmi_sim). */
const REJECTED_PATTERN = /Set Chassis Boot Parameter \d+ failed[^\n]*/i;

export interface IpmitoolManagementDeps {
  client: IpmitoolClient;
  driverInfo: IpmiDriverInfoSchema;
}

export function createIpmitoolManagement({ client, driverInfo }: IpmitoolManagementDeps): ManagementInterface {
  const readBootDevice = (task: Task, conn: IpmiConnection): Promise<BootDeviceInfo> =>
    client.query(conn, ['chassis', 'bootparam', 'get', '5'], parseBootParam5, task.log);

  return {
    name: 'ipmitool',
    driverInfoSchema: driverInfo.schema,

    async validate(task) {
      driverInfo.connectionOf(task);
    },

    async getBootDevice(task) {
      return readBootDevice(task, driverInfo.connectionOf(task));
    },

    async setBootDevice(task, device, persistent) {
      if (!BOOT_DEVICES.includes(device)) {
        throw new DriverError('UnsupportedDevice', `boot device "${String(device)}" is not one of ${BOOT_DEVICES.join(', ')}`);
      }
      const conn = driverInfo.connectionOf(task);
      const command = ['chassis', 'bootdev', BOOTDEV_ARG[device], ...(persistent ? ['options=persistent'] : [])];
      const { stdout, stderr } = await client.run(conn, command, task.log);
      const rejection = REJECTED_PATTERN.exec(stderr);
      if (rejection || !/Set Boot Device to/i.test(stdout)) {
        throw new DriverError(
          'UnsupportedDevice',
          `BMC ${bmcLabel(conn)} refused boot device "${device}": ${rejection?.[0] ?? (stdout.trim() || 'no confirmation')}`,
        );
      }
      if (persistent) {
        // Some BMCs (ipmi_sim among them) accept the device but drop "persistent" silently; say so,
        // because the node would then fall back to its default device after one boot.
        const after = await readBootDevice(task, conn);
        if (!after.persistent) {
          task.log.warn({ bmc: bmcLabel(conn), device }, `BMC ${bmcLabel(conn)} did not keep the boot device persistent`);
        }
      }
    },

    // IPMI has no query for the devices a BMC accepts; these are the ones the spec defines and Ironic
    // offers. A BMC that refuses one is reported by setBootDevice (UnsupportedDevice).
    async getSupportedBootDevices() {
      return [...BOOT_DEVICES];
    },

    // Ironic's ipmitool inject_nmi: "chassis power diag" (a diagnostic interrupt, IPMI Chassis Control 05h).
    async injectNmi(task) {
      await client.run(driverInfo.connectionOf(task), ['chassis', 'power', 'diag'], task.log);
    },
  };
}
