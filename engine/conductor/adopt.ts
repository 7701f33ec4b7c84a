// Adoption (Ironic's adopt verb, API 1.17): a manageable node already running its instance becomes active
// without a deploy, once its power and deploy interfaces validate and the deploy interface takes it over.
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';

export async function runAdopt(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  try {
    await task.driver.power.validate(task);
    await task.driver.deploy.validate(task);
    await task.driver.deploy.takeOver(task);
    const power = await task.driver.power.getPowerState(task);
    await tm.transition(nodeUuid, 'done', actor, { power_state: power }, 'adopted');
  } catch (err) {
    await tm.failNode(nodeUuid, `Error while attempting to adopt node ${nodeUuid}: ${errorMessage(err)}.`, actor);
  }
}
