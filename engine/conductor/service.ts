// Servicing (Ironic's servicing.py, API 1.87): steps run on a deployed node, which returns to active. The
// deploy interface runs the steps recorded in driver_internal_info.service_steps; they are removed when
// servicing ends, so that a later servicing starts from its own.
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';

export async function runService(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  const dii = { ...task.node.driver_internal_info };
  delete dii.service_steps;
  try {
    await task.driver.deploy.service!(task);
    const power = await task.driver.power.getPowerState(task).catch(() => task.node.power_state);
    await tm.transition(nodeUuid, 'done', actor, { power_state: power, driver_internal_info: dii }, 'serviced');
  } catch (err) {
    await tm.transition(nodeUuid, 'fail', actor, { last_error: `Servicing failed: ${errorMessage(err)}`, driver_internal_info: dii });
  }
}
