// The manage flow: verifying a newly enrolled node's BMC credentials (Ironic's verify step).
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';
import { cacheBiosSettings } from './bios.js';

export async function runManage(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  if (task.node.provision_state !== 'verifying') return; // manage from available / failed states is a plain transition
  try {
    tm.registry.validateDriverInfo(task.node.interfaces, task.node.driver_info);
    await task.driver.power.validate(task);
    await task.driver.management.validate(task);
    const power = await task.driver.power.getPowerState(task);
    await cacheBiosSettings(tm, task);
    await tm.transition(nodeUuid, 'done', actor, { power_state: power }, 'BMC credentials verified');
  } catch (err) {
    await tm.failNode(nodeUuid, `Failed to verify node: ${errorMessage(err)}`, actor);
  }
}
