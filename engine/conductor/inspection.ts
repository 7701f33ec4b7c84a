// Inspection (Ironic's inspection.py): out of band it is done at once; in band the node waits for the
// agent, whose heartbeats go to the inspect interface and whose inventory lands in the node's properties.
import type { AgentHeartbeat, HeartbeatOutcome, Inventory, Task } from '../../contract/types.js';
import { EngineError } from '../errors.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';

export async function runInspect(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  try {
    const result = await task.driver.inspect.inspect(task);
    if ('wait' in result) await tm.park(nodeUuid, result, actor);
    else await tm.transition(nodeUuid, 'done', actor);
  } catch (err) {
    await tm.failNode(nodeUuid, `Inspection failed: ${errorMessage(err)}`, actor);
  }
}

export function inspectHeartbeat(task: Task, body: AgentHeartbeat): Promise<HeartbeatOutcome> {
  const inspect = task.driver.inspect;
  if (!inspect.heartbeat) throw new EngineError('Conflict', `inspect interface "${inspect.name}" of node ${task.node.uuid} takes no agent heartbeats`);
  return inspect.heartbeat(task, body);
}

/** The agent reported: its ramdisk goes, and what it found is merged into the node's properties. */
export async function finishInspection(tm: TaskManager, task: Task, inventory: Inventory | undefined): Promise<void> {
  if (!inventory) throw new Error(`inspect interface "${task.driver.inspect.name}" finished without an inventory`);
  await task.driver.inspect.finishInspection?.(task);
  const { cpus, memory_mb, local_gb, cpu_arch } = inventory;
  await tm.transition(task.node.uuid, 'done', 'agent', { power_state: 'power off', properties: { ...task.node.properties, ...inventory } }, `inspected: ${cpus} CPUs, ${memory_mb} MiB, ${local_gb} GiB disk, ${cpu_arch}`);
}
