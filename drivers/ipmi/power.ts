import { DriverError, type PowerInterface, type PowerState, type Task } from '../types.js';
import type { IpmiConnection, IpmiDriverInfoSchema } from './driver-info.js';
import { bmcLabel, type IpmitoolClient } from './ipmitool.js';
import { parsePowerStatus } from './parse.js';
import { pollUntil } from '../poll.js';

/** Ironic's default power_state_change_timeout. */
const DEFAULT_CHANGE_TIMEOUT_SEC = 60;
/** Ironic's default soft_power_off_timeout: an operating system may take minutes to shut down. */
const DEFAULT_SOFT_OFF_TIMEOUT_SEC = 600;
/** Status polls start fast (ipmi_sim and most BMCs switch at once) and back off for slow ones. */
const POLL_DELAYS_MS: readonly number[] = [0, 100, 200, 400, 800, 1000];

export interface IpmitoolPowerDeps {
  client: IpmitoolClient;
  driverInfo: IpmiDriverInfoSchema;
}

export function createIpmitoolPower({ client, driverInfo }: IpmitoolPowerDeps): PowerInterface {
  const readPowerState = (task: Task, conn: IpmiConnection): Promise<PowerState> =>
    client.query(conn, ['power', 'status'], parsePowerStatus, task.log);

  /**
   * Sends the command, then polls until the BMC reports the target state or the deadline passes.
   * `power soft` (an ACPI shutdown request) is confirmed as "power off", as Ironic's ipmitool does.
   */
  const changeAndConfirm = async (task: Task, conn: IpmiConnection, target: PowerState, deadline: number, command: 'on' | 'off' | 'soft' = target === 'power on' ? 'on' : 'off'): Promise<void> => {
    await client.run(conn, ['power', command], task.log);
    const { settled, last } = await pollUntil(() => readPowerState(task, conn), (s) => s === target, deadline, POLL_DELAYS_MS);
    if (settled) return;
    throw new DriverError(
      'PowerStateFailure',
      `BMC ${bmcLabel(conn)} did not confirm "${target}" before the deadline (last reported: ${last ?? 'nothing'})`,
    );
  };

  const deadlineOf = (timeoutSec: number | undefined): number => Date.now() + (timeoutSec ?? DEFAULT_CHANGE_TIMEOUT_SEC) * 1000;

  return {
    name: 'ipmitool',
    driverInfoSchema: driverInfo.schema,

    async validate(task) {
      driverInfo.connectionOf(task);
    },

    async getPowerState(task) {
      return readPowerState(task, driverInfo.connectionOf(task));
    },

    async setPowerState(task, state, timeoutSec) {
      if (state !== 'power on' && state !== 'power off') {
        throw new DriverError('InvalidParameterValue', `unknown power state "${String(state)}"`);
      }
      await changeAndConfirm(task, driverInfo.connectionOf(task), state, deadlineOf(timeoutSec));
    },

    // A hard off then on, each confirmed (as Ironic's ipmitool does), rather than `power reset` or
    // `power cycle`: a reset leaves no state change to confirm, and ipmi_sim's cycle reports "off" and
    // powers on about a second later by itself. Off→on also makes the chassis apply a new boot device.
    async reboot(task, timeoutSec) {
      const conn = driverInfo.connectionOf(task);
      const deadline = deadlineOf(timeoutSec);
      if ((await readPowerState(task, conn)) === 'power on') {
        await changeAndConfirm(task, conn, 'power off', deadline);
      }
      await changeAndConfirm(task, conn, 'power on', deadline);
    },

    async softPowerOff(task, timeoutSec) {
      const conn = driverInfo.connectionOf(task);
      await changeAndConfirm(task, conn, 'power off', Date.now() + (timeoutSec ?? DEFAULT_SOFT_OFF_TIMEOUT_SEC) * 1000, 'soft');
    },
  };
}
