// Deployment (Ironic's deployments.py) and its undoing: deploy/rebuild, undeploy (tear down, then
// cleaning), abort of a wait. An agent's part of a deploy ends in finishDeploy (from the agent protocol).
import type { Task } from '../../contract/types.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';
import { runCleaning } from './cleaning.js';
import { allocationOfNode, deleteAllocation } from '../store/allocations.js';
import { now } from '../store/store.js';
import { runDeploySteps } from './deploy-steps.js';

export async function runDeploy(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  try {
    await task.driver.power.validate(task);
    await task.driver.boot.validate(task);
    await task.driver.deploy.validate(task);
    await runDeploySteps(tm, task.node, actor);
    const result = await task.driver.deploy.deploy(task);
    if ('wait' in result) {
      // Parked: no worker and no lock is held while the agent works; heartbeats take the lock briefly.
      await tm.park(nodeUuid, result, actor);
      return;
    }
    await tm.transition(nodeUuid, 'done', actor, { power_state: 'power on' }, 'deployed');
  } catch (err) {
    await deployFailed(tm, task, `Deploy failed: ${errorMessage(err)}`, actor);
  }
}

/** deploy failed, with the reason; the node is powered off if the BMC lets us. */
function deployFailed(tm: TaskManager, task: Task, reason: string, actor: string): Promise<void> {
  return tm.failPoweredOff(task, reason, actor, 'failed deploy');
}

/** The agent wrote and verified the image: the node boots it from its disk. */
export async function finishDeploy(tm: TaskManager, task: Task): Promise<void> {
  await task.driver.deploy.finish(task);
  await tm.transition(task.node.uuid, 'done', 'agent', { power_state: 'power on' }, 'booted from disk');
}

export async function runUndeploy(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  try {
    await task.driver.deploy.tearDown(task);
    await tm.recordPower(nodeUuid, { to: 'power off', verb: 'power off', actor, reason: 'powered off for tear down' });
    const instance = task.node.instance_uuid;
    await tm.store.transaction(async (tx) => {
      if (instance) await tx.deleteDeployment(instance);
      // The node's allocation ends with its instance, as Ironic's tear down destroys it.
      const allocation = await allocationOfNode(tx.db, nodeUuid);
      if (allocation) await deleteAllocation(tx.db, allocation, now());
      const dii = { ...(await tx.getNode(nodeUuid)).driver_internal_info };
      delete dii.agent_secret_token;
      delete dii.agent_secret_token_retrieved;
      await tm.transition(nodeUuid, 'done', actor, { instance_info: {}, instance_uuid: null, driver_internal_info: dii }, 'torn down', tx);
    });
  } catch (err) {
    await tm.failNode(nodeUuid, `Tear down failed: ${errorMessage(err)}`, actor);
    return;
  }
  await runCleaning(tm, nodeUuid, actor);
}

/** The abort itself was the accepted transition; what is left is to stop the node where it is. */
export async function runAbort(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  try {
    await task.driver.power.setPowerState(task, 'power off');
    await tm.recordPower(nodeUuid, { to: 'power off', verb: 'power off', actor, reason: 'powered off after abort' });
  } catch (err) {
    tm.log.warn({ node: nodeUuid, err: errorMessage(err) }, 'could not power off after abort');
  }
  // As after a failure: the ramdisk's boot configuration (boot scripts, a virtual CD) does not outlive the wait.
  try {
    await task.driver.boot.cleanUpRamdisk(task);
  } catch (err) {
    tm.log.warn({ node: nodeUuid, err: errorMessage(err) }, 'could not clean up the ramdisk boot after abort');
  }
}
