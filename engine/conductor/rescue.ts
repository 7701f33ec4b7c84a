// Rescue and unrescue (Ironic's rescue interface, API 1.38): a deployed node boots into a rescue system
// the user logs into with the rescue password, then back into its instance. The deploy interface does the
// work (a fake deploy rescues at once); one without rescue is refused when the verb is asked for.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { EngineError } from '../errors.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';

/** Where the password is kept while the node is rescued (Ironic's instance_info key; masked in answers). */
export const RESCUE_PASSWORD_KEY = 'rescue_password';

/** Refuses rescue and unrescue on a node whose deploy interface cannot do them (Ironic: 400). */
export function checkRescueSupported(tm: TaskManager, node: NodeRecord): void {
  const deploy = tm.registry.driverFor(node).deploy;
  if (!deploy.rescue || !deploy.unrescue) {
    throw new EngineError('InvalidParameter', `Node ${node.uuid}: rescue is not supported by its rescue interface "no-rescue" (deploy interface "${deploy.name}" has no rescue).`, 'rescue_interface');
  }
}

/** The password a rescue needs: a non-blank string, as Ironic checks it. */
export function checkRescuePassword(password: unknown): string {
  if (typeof password !== 'string' || !password.trim()) {
    throw new EngineError('InvalidParameter', 'rescue_password: a non-empty rescue_password is required to rescue a node', 'rescue_password');
  }
  return password;
}

export async function runRescue(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  try {
    await task.driver.deploy.rescue!(task);
    const power = await task.driver.power.getPowerState(task).catch(() => task.node.power_state);
    await tm.transition(nodeUuid, 'done', actor, { power_state: power }, 'rescued');
  } catch (err) {
    await tm.failNode(nodeUuid, `Rescue failed: ${errorMessage(err)}`, actor);
  }
}

export async function runUnrescue(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  try {
    await task.driver.deploy.unrescue!(task);
    const power = await task.driver.power.getPowerState(task).catch(() => task.node.power_state);
    // The password is only good while rescued: Ironic removes it when the node leaves rescue.
    const info = { ...task.node.instance_info };
    delete info[RESCUE_PASSWORD_KEY];
    await tm.transition(nodeUuid, 'done', actor, { power_state: power, instance_info: info }, 'unrescued');
  } catch (err) {
    await tm.failNode(nodeUuid, `Unrescue failed: ${errorMessage(err)}`, actor);
  }
}
