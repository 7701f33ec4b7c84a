// The redfish power interface: ComputerSystem.Reset, each change confirmed by reading PowerState back
// until it settles on the target (PoweringOn/PoweringOff are not settled) or the deadline passes.
import { DriverError, type PowerInterface, type PowerState, type Task } from '../types.js';
import { readSystem, reset, type RedfishDeps, type ResetType } from './system.js';
import type { Json } from './client.js';
import { pollUntil } from '../poll.js';

/** Ironic's power_state_change_timeout and soft_power_off_timeout defaults. */
const DEFAULT_CHANGE_TIMEOUT_SEC = 60;
const DEFAULT_SOFT_OFF_TIMEOUT_SEC = 600;
/** Polls start fast (emulators and many BMCs switch at once) and back off for slow ones. */
const POLL_DELAYS_MS: readonly number[] = [0, 10, 20, 40, 80, 160, 320, 640, 1000];

/** Redfish PowerState as Ironic reads it (a transition counts as where it is going). */
export function powerStateOf(system: Json): PowerState {
  const s = system.PowerState as string | undefined;
  if (s === 'On' || s === 'PoweringOn' || s === 'Paused') return 'power on';
  if (s === 'Off' || s === 'PoweringOff') return 'power off';
  throw new DriverError('PowerStateFailure', `system ${system['@odata.id']} reports no usable PowerState (${String(s)})`);
}

const SETTLED: Record<PowerState, string> = { 'power on': 'On', 'power off': 'Off' };

export function createRedfishPower(deps: RedfishDeps): PowerInterface {
  const deadlineOf = (timeoutSec: number | undefined, dflt = DEFAULT_CHANGE_TIMEOUT_SEC) => Date.now() + (timeoutSec ?? dflt) * 1000;

  /** Sends the reset (unless the system is already there) and polls until PowerState settles on the target. */
  const changeAndConfirm = async (task: Task, target: PowerState, types: ResetType[], deadline: number, force = false): Promise<void> => {
    const first = await readSystem(deps, task);
    if (!force && first.system.PowerState === SETTLED[target]) return;
    await reset(deps, first.conn, first.system, types, task.log);
    const readState = async () => (await deps.client.get(first.conn, first.path, task.log)).PowerState as string | undefined;
    const { settled, last } = await pollUntil(readState, (s) => s === SETTLED[target], deadline, POLL_DELAYS_MS);
    if (settled) return;
    throw new DriverError('PowerStateFailure', `BMC ${first.conn.origin} did not confirm "${target}" before the deadline (last PowerState: ${last ?? 'none'})`);
  };

  return {
    name: 'redfish',
    driverInfoSchema: deps.driverInfo.schema,

    async validate(task) {
      deps.driverInfo.connectionOf(task);
    },

    async getPowerState(task) {
      return powerStateOf((await readSystem(deps, task)).system);
    },

    async setPowerState(task, state, timeoutSec) {
      if (state !== 'power on' && state !== 'power off') throw new DriverError('InvalidParameterValue', `unknown power state "${String(state)}"`);
      const types: ResetType[] = state === 'power on' ? ['On', 'ForceOn', 'PushPowerButton'] : ['ForceOff', 'PushPowerButton'];
      await changeAndConfirm(task, state, types, deadlineOf(timeoutSec));
    },

    // Ironic's redfish reboot: ForceRestart when on (confirmed on again), On when off.
    async reboot(task, timeoutSec) {
      const deadline = deadlineOf(timeoutSec);
      const { system } = await readSystem(deps, task);
      if (powerStateOf(system) === 'power on') await changeAndConfirm(task, 'power on', ['ForceRestart'], deadline, true);
      else await changeAndConfirm(task, 'power on', ['On', 'ForceOn'], deadline);
    },

    async softPowerOff(task, timeoutSec) {
      await changeAndConfirm(task, 'power off', ['GracefulShutdown'], deadlineOf(timeoutSec, DEFAULT_SOFT_OFF_TIMEOUT_SEC));
    },
  };
}
