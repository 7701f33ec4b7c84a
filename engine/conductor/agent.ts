// The agent protocol (Ironic's agent_base/heartbeat handling): a booted ramdisk looks its node up, then
// heartbeats; each heartbeat is handed to the flow the node waits in, which answers with the agent's next
// command and says whether the agent's part is done. The conductor holds no lock while the agent works.
import { timingSafeEqual } from 'node:crypto';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { AgentCommand, AgentHeartbeat, HeartbeatOutcome, Inventory, Task } from '../../contract/types.js';
import { now } from '../store/store.js';
import { SECRET_MASK } from '../drivers/registry.js';
import { EngineError } from '../errors.js';
import { LOOKUP_ALLOWED_STATES, TRANSITIONS, WAIT_STATES, type ProvisionState } from '../states.js';
import type { Store } from '../store/store.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';
import { finishDeploy } from './deploy.js';
import { finishCleaning } from './cleaning.js';
import { finishInspection, inspectHeartbeat } from './inspection.js';

/** A flow an agent works for, and what the conductor does with the agent's heartbeats and its finish. */
export interface AgentFlow {
  name: 'deploy' | 'cleaning' | 'inspection';
  heartbeat(task: Task, body: AgentHeartbeat): Promise<HeartbeatOutcome>;
  /** The reason recorded when the agent's part is done and the node resumes. */
  resumed: string;
  /** What failed when finish throws ("Failed to ..."). */
  finishing: string;
  /** Comes to rest after the agent's part: power off or boot the disk, record what it found. */
  finish(tm: TaskManager, task: Task, inventory: Inventory | undefined): Promise<void>;
}

const deployHeartbeat = (task: Task, body: AgentHeartbeat) => task.driver.deploy.heartbeat(task, body);

/**
 * The flow of each wait state. Checked against WAIT_STATES when loaded: a wait state added to the table in
 * states.ts without a flow here would otherwise leave its nodes parked, unreachable by their agent.
 */
export const AGENT_FLOWS: ReadonlyMap<ProvisionState, AgentFlow> = byWaitState({
  'wait call-back': { name: 'deploy', heartbeat: deployHeartbeat, resumed: 'image written and verified', finishing: 'boot the deployed image', finish: finishDeploy },
  'clean wait': { name: 'cleaning', heartbeat: deployHeartbeat, resumed: 'disk metadata erased', finishing: 'finish cleaning', finish: finishCleaning },
  'inspect wait': { name: 'inspection', heartbeat: inspectHeartbeat, resumed: 'inventory reported', finishing: 'finish inspection', finish: finishInspection },
});

function byWaitState(flows: Partial<Record<ProvisionState, AgentFlow>>): ReadonlyMap<ProvisionState, AgentFlow> {
  const keys = Object.keys(flows) as ProvisionState[];
  const missing = WAIT_STATES.filter((s) => !keys.includes(s));
  const extra = keys.filter((s) => !WAIT_STATES.includes(s));
  if (missing.length || extra.length) {
    throw new Error(`AGENT_FLOWS must cover exactly WAIT_STATES (no flow for: ${missing.join(', ') || 'none'}; not a wait state: ${extra.join(', ') || 'none'})`);
  }
  return new Map(keys.map((s) => [s, flows[s]!]));
}

/** States a flow works in before it parks for its agent: an early heartbeat there is told to wait. */
const PARKING_STATES: ReadonlySet<ProvisionState> = new Set(TRANSITIONS.filter((t) => t.event === 'wait' && WAIT_STATES.includes(t.to)).map((t) => t.from));

/** The node a booting agent runs on, by its uuid or one of its MAC addresses (the API routes by it too). */
export async function findAgentNode(store: Store, query: { addresses?: string[]; node_uuid?: string }): Promise<NodeRecord | undefined> {
  let node: NodeRecord | undefined;
  if (query.node_uuid) node = await store.findNode(query.node_uuid);
  for (const mac of query.addresses ?? []) {
    if (node) break;
    const port = await store.findPortByAddress(mac.toLowerCase());
    if (port) node = await store.findNode(port.node_uuid);
  }
  return node;
}

/** Finds the node a booting agent runs on and hands out its token once. */
export async function lookup(tm: TaskManager, query: { addresses?: string[]; node_uuid?: string; boot_id?: string }): Promise<{ node_uuid: string; agent_token: string | null }> {
  const node = await findAgentNode(tm.store, query);
  if (!node || !LOOKUP_ALLOWED_STATES.includes(node.provision_state)) {
    throw new EngineError('NotFound', `No node in a state that allows lookup matches ${JSON.stringify(query)}.`);
  }
  const bootId = node.driver_internal_info.agent_boot_id as string | undefined;
  if (query.boot_id && bootId !== query.boot_id) {
    // An agent booted for an earlier flow (aborted or failed since) must not get this flow's token.
    throw new EngineError('NotFound', `The agent's boot ${query.boot_id} is not the current boot of node ${node.uuid}: it belongs to a flow that has ended.`);
  }
  const token = node.driver_internal_info.agent_secret_token as string | undefined;
  if (!token) return { node_uuid: node.uuid, agent_token: null };
  if (node.driver_internal_info.agent_secret_token_retrieved) return { node_uuid: node.uuid, agent_token: SECRET_MASK };
  await tm.patchNode(node.uuid, (n) => ({ driver_internal_info: { ...n.driver_internal_info, agent_secret_token_retrieved: true } }));
  return { node_uuid: node.uuid, agent_token: token };
}

export async function heartbeat(tm: TaskManager, nodeIdent: string, body: AgentHeartbeat): Promise<AgentCommand> {
  const found = await tm.store.getNode(nodeIdent);
  const expected = found.driver_internal_info.agent_secret_token as string | undefined;
  if (!expected || !body.agent_token || !safeEqual(expected, body.agent_token)) {
    throw new EngineError('Unauthorized', `Invalid or missing agent token for node ${nodeIdent}.`);
  }
  const state = found.provision_state;
  if (found.maintenance) {
    // As Ironic: a node in maintenance takes no action from its agent; the flow goes on once maintenance
    // is lifted, or its deadline (not extended here) fails it as usual.
    tm.log.warn({ node: found.uuid, state }, 'heartbeat from a node in maintenance: not taking any action');
    return { command: 'wait', heartbeat_interval: 2 };
  }
  const flow = AGENT_FLOWS.get(state);
  if (!flow) {
    // Not waiting for the agent (yet, or any more): tell it to keep quiet rather than act.
    return { command: PARKING_STATES.has(state) ? 'wait' : 'none', heartbeat_interval: 2 };
  }
  const node = await tm.reserve(found.uuid);
  let release = true;
  try {
    const task = await tm.makeTask(node.uuid, node);
    if (task.node.provision_state !== state) return { command: 'wait', heartbeat_interval: 2 };
    const outcome = await flow.heartbeat(task, body);
    const deadline = new Date(Date.now() + tm.settings.deployCallbackTimeoutSec * 1000).toISOString();
    const next = outcome.next;
    if (next && 'progress' in next) {
      await tm.store.transaction(async (tx) => {
        const n = await tm.patchNode(node.uuid, (cur) => ({ driver_internal_info: { ...cur.driver_internal_info, ...next.progress }, provision_updated_at: now(), provision_deadline: deadline }), tx);
        await tx.addEvent({ type: 'progress', node_uuid: n.uuid, node_name: n.name, actor: 'agent', verb: body.agent_status, reason: null, data: next.progress });
      });
    } else if (next && 'fail' in next) {
      await tm.failPoweredOff(task, next.fail, 'agent', `failed ${flow.name}`);
    } else if (next && 'finish' in next) {
      await tm.transition(node.uuid, 'resume', 'agent', {}, flow.resumed);
      release = false;
      // The lock stays taken: completeAgentFlow releases it when the node is at rest.
      tm.track(completeAgentFlow(tm, flow, node.uuid, next.inventory)).catch(() => {});
    } else {
      await tm.patchNode(node.uuid, () => ({ provision_updated_at: now(), provision_deadline: deadline }));
    }
    return outcome.reply;
  } finally {
    if (release) await tm.release(node.uuid);
  }
}

/** The agent's part is done: the flow comes to rest, or fails powered off; either way the lock goes. */
async function completeAgentFlow(tm: TaskManager, flow: AgentFlow, nodeUuid: string, inventory: Inventory | undefined): Promise<void> {
  try {
    const task = await tm.makeTask(nodeUuid);
    await flow.finish(tm, task, inventory);
  } catch (err) {
    await tm.failPoweredOff(await tm.makeTask(nodeUuid), `Failed to ${flow.finishing}: ${errorMessage(err)}`, 'agent', `failed ${flow.name}`);
  } finally {
    await tm.release(nodeUuid);
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
