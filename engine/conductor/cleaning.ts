// Cleaning (Ironic's cleaning.py): automated on provide and after tear down, manual on clean with steps.
// The deploy interface does the work; an agent's part ends in finishCleaning (from the agent protocol).
import type { CleanStep, DeployInterface, StepResult, Task } from '../../contract/types.js';
import { invalidParameter } from '../errors.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';
import { cacheBiosSettings, runBiosSteps } from './bios.js';

export async function runCleaning(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  try {
    // A retired node is cleaned but not offered again: it ends manageable (Ironic 1.61).
    if (task.node.retired && task.node.target_provision_state === 'available') await tm.patchNode(nodeUuid, () => ({ target_provision_state: 'manageable' }));
    const manual = task.node.driver_internal_info.clean_steps as CleanStep[] | undefined;
    if (manual) await runBiosSteps(task, manual);
    const clean = task.driver.deploy.clean;
    // automated_clean=false skips automated cleaning (Ironic's skip_automated_cleaning); manual cleaning runs.
    const skip = task.node.automated_clean === false && task.node.driver_internal_info.clean_steps === undefined;
    const result: StepResult = clean && !skip ? await clean.call(task.driver.deploy, task) : { done: true };
    if ('wait' in result) {
      await tm.park(nodeUuid, result, actor);
      return;
    }
    await cacheBiosSettings(tm, task);
    const power = await task.driver.power.getPowerState(task).catch(() => task.node.power_state);
    await tm.transition(nodeUuid, 'done', actor, { power_state: power });
  } catch (err) {
    await tm.failNode(nodeUuid, `Cleaning failed: ${errorMessage(err)}`, actor);
  }
}

/** The agent erased the disks: the ramdisk's boot configuration goes, and the node rests powered off. */
export async function finishCleaning(tm: TaskManager, task: Task): Promise<void> {
  await task.driver.deploy.finishCleaning?.(task);
  await cacheBiosSettings(tm, task);
  await tm.transition(task.node.uuid, 'done', 'agent', { power_state: 'power off' }, 'cleaned');
}

/** Every step of a manual clean (or of servicing) must be one the node's deploy interface offers; the error names the step. */
export function checkCleanSteps(deploy: DeployInterface, steps: CleanStep[], kind: 'clean' | 'service' = 'clean', disableRamdisk = false): void {
  const offered = (kind === 'clean' ? deploy.cleanSteps : deploy.serviceSteps) ?? [];
  const supported = offered.length ? offered.map((s) => `deploy.${s}`).join(', ') : 'none';
  steps.forEach((s, i) => {
    if (kind === 'clean' && s.interface === 'bios') return; // checked by checkBiosSteps (bios.ts)
    if (s.interface !== 'deploy' || !offered.includes(s.step)) {
      throw invalidParameter(`${kind}_steps[${i}]`, `step "${s.step}" of interface "${s.interface}" is not supported by deploy interface "${deploy.name}" (supported: ${supported})`);
    }
    // disable_ramdisk (1.70): a step that needs the agent cannot run without its ramdisk.
    if (disableRamdisk && !deploy.ramdiskFreeSteps?.includes(s.step)) {
      throw invalidParameter(`${kind}_steps[${i}]`, `step "deploy.${s.step}" requires the ramdisk and cannot run with disable_ramdisk`);
    }
  });
}
