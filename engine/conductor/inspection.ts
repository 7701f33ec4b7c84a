// Inspection (Ironic's inspection.py): out of band it is done at once; in band the node waits for the
// agent, whose heartbeats go to the inspect interface and whose inventory lands in the node's properties.
import type { AgentHeartbeat, HeartbeatOutcome, Inventory, Task } from '../../contract/types.js';
import { EngineError } from '../errors.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';
import { createPort } from './records.js';
import { findAgentNode, lookup } from './agent.js';
import type { ContinueInspection } from '../generated/continue-inspection.js';
import { checkInventory } from '../../contract/inventory.js';
import type { NodeInventory } from '../generated/node-inventory.js';

export async function runInspect(tm: TaskManager, nodeUuid: string, actor: string): Promise<void> {
  const task = await tm.makeTask(nodeUuid);
  try {
    const result = await task.driver.inspect.inspect(task);
    if ('wait' in result) await tm.park(nodeUuid, result, actor);
    else if ('inventory' in result) await recordInventory(tm, task, result.inventory, result.macs, actor);
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

/**
 * The agent reported: its ramdisk goes, and what it found is merged into the node's properties and kept
 * as its inventory (what the ramdisk sent, when it sent Ironic's layout; else ironplan's fields in it).
 */
export async function finishInspection(tm: TaskManager, task: Task, inventory: Inventory | undefined, sent?: NodeInventory): Promise<void> {
  if (!inventory) throw new Error(`inspect interface "${task.driver.inspect.name}" finished without an inventory`);
  await task.driver.inspect.finishInspection?.(task);
  await tm.store.putInventory(task.node.uuid, sent ?? asIronicInventory(inventory, []));
  await tm.transition(task.node.uuid, 'done', 'agent', { power_state: 'power off', properties: { ...task.node.properties, ...inventory } }, inspectedReason(inventory));
}

/**
 * The inventory in Ironic's layout (API 1.81) as far as ironplan's inspections see: the CPU count and
 * architecture, the memory, and (out of band) the NICs' MACs. The largest disk's size, which Ironic's
 * layout would place in a disk list ironplan does not have, goes to plugin_data.
 */
function asIronicInventory({ cpus, memory_mb, local_gb, cpu_arch }: Inventory, macs: readonly string[]): NodeInventory {
  return {
    inventory: { cpu: { count: cpus, architecture: cpu_arch }, memory: { physical_mb: memory_mb }, interfaces: macs.map((mac) => ({ mac_address: mac.toLowerCase() })) },
    plugin_data: { local_gb },
  };
}

const inspectedReason = ({ cpus, memory_mb, local_gb, cpu_arch }: Inventory): string => `inspected: ${cpus} CPUs, ${memory_mb} MiB, ${local_gb} GiB disk, ${cpu_arch}`;

/**
 * Out of band: the BMC's inventory lands in the properties as the agent's does, and each NIC the node has
 * no port for gains one (Ironic's add_ports; a MAC already on another node's port is left there, with a
 * warning, as Ironic does). The power state is left as it is: the BMC read it, nothing booted.
 */
async function recordInventory(tm: TaskManager, task: Task, inventory: Inventory, macs: string[], actor: string): Promise<void> {
  const known = new Set(task.ports.map((p) => p.address.toLowerCase()));
  const elsewhere: string[] = [];
  for (const mac of new Set(macs.map((m) => m.toLowerCase()))) {
    if (known.has(mac)) continue;
    try {
      await createPort(tm, { node_uuid: task.node.uuid, address: mac }, actor);
    } catch (err) {
      if (!(err instanceof EngineError && err.code === 'Conflict')) throw err;
      elsewhere.push(mac);
      tm.log.warn({ node: task.node.uuid, mac }, `inspection of node ${task.node.uuid}: a port with MAC ${mac} already exists on another node; not added`);
    }
  }
  await tm.store.putInventory(task.node.uuid, asIronicInventory(inventory, macs));
  const note = elsewhere.length ? ` (ports of ${elsewhere.join(', ')} already exist on other nodes)` : '';
  await tm.transition(task.node.uuid, 'done', actor, { properties: { ...task.node.properties, ...inventory } }, `${inspectedReason(inventory)}${note}`);
}

/** ironplan's inventory fields from Ironic's layout: the CPUs, their architecture, the memory, the largest disk. */
function fromIronicInventory(inv: Record<string, any>): Inventory {
  const sizes = Array.isArray(inv.disks) ? inv.disks.map((d: { size?: unknown }) => Number(d?.size)).filter((n: number) => Number.isFinite(n) && n >= 0) : [];
  const found = { cpus: inv.cpu?.count, memory_mb: inv.memory?.physical_mb, local_gb: sizes.length ? Math.floor(Math.max(...sizes) / 2 ** 30) : undefined, cpu_arch: inv.cpu?.architecture };
  const checked = checkInventory(found);
  if ('problem' in checked) {
    throw new EngineError('InvalidParameter', `The inventory lacks what inspection records (${checked.problem}): cpu.count, cpu.architecture, memory.physical_mb and disks[].size are needed`, 'inventory');
  }
  return checked.inventory;
}

/**
 * Ironic's continue_inspection (API 1.84): a ramdisk posts its inventory instead of heartbeating. The node
 * (found by the inventory's MACs, or node_uuid) must be waiting for its agent's inspection; the inventory
 * is recorded at once, as a heartbeat with the inspected fields would, under the node's lock. Answers the
 * node and, once, its agent token, as lookup does (the agent has nothing left to do: heartbeats get "none").
 */
export async function continueInspection(tm: TaskManager, query: { addresses: string[]; node_uuid?: string }, data: ContinueInspection): Promise<{ node_uuid: string; agent_token: string | null }> {
  const node = await findAgentNode(tm.store, query);
  if (!node || node.provision_state !== 'inspect wait') throw new EngineError('NotFound', `No node waiting for in-band inspection matches ${JSON.stringify(query)}.`);
  const { inventory, ...pluginData } = data;
  const found = fromIronicInventory(inventory);
  const answer = await lookup(tm, query);
  await tm.withTask(node.uuid, async (task) => {
    if (task.node.provision_state !== 'inspect wait' || !task.driver.inspect.heartbeat) throw new EngineError('Conflict', `Node ${node.uuid} is not waiting for an inspection ramdisk (state "${task.node.provision_state}", inspect interface "${task.driver.inspect.name}").`);
    await tm.transition(node.uuid, 'resume', 'agent', {}, 'inventory reported (continue_inspection)');
    try {
      await finishInspection(tm, await tm.makeTask(node.uuid), found, { inventory, plugin_data: pluginData });
    } catch (err) {
      await tm.failPoweredOff(await tm.makeTask(node.uuid), `Failed to finish inspection: ${errorMessage(err)}`, 'agent', 'failed inspection');
    }
  });
  return answer;
}
