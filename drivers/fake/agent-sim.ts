// The fake deploy: the real agent deploy flow, plus a simulated agent that calls back through the same
// entry points (lookup, heartbeat) the HTTP API gives the real one, so the engine can't tell them apart.
import { AgentDeploy } from '../agent/deploy.js';
import type { AgentChannel, AgentCommand, AgentHeartbeat, StepResult, Task } from '../types.js';
import { agentBootId } from '../agent/protocol.js';
import { fakeInfo, sleep } from './settings.js';

export class FakeAgentDeploy extends AgentDeploy {
  override readonly name = 'fake-agent';

  override async deploy(task: Task): Promise<StepResult> {
    const result = await super.deploy(task);
    this.startAgent(task, null);
    return result;
  }

  override async clean(task: Task): Promise<StepResult> {
    const result = await super.clean(task);
    if ('wait' in result) this.startCleaningAgent(task, null);
    return result;
  }

  override async takeOver(task: Task): Promise<void> {
    // The simulated agent lived in the process that stopped; a new one "boots" with the stored token.
    const token = String(task.node.driver_internal_info.agent_secret_token ?? '');
    if (task.node.provision_state === 'wait call-back') this.startAgent(task, token);
    if (task.node.provision_state === 'clean wait') this.startCleaningAgent(task, token);
  }

  private startCleaningAgent(task: Task, knownToken: string | null): void {
    const info = fakeInfo(task);
    if (info.fake_fail === 'clean_timeout') return;
    const nodeUuid = task.node.uuid;
    const bootId = agentBootId(task);
    setTimeout(() => {
      void runSimulatedCleaningAgent(task.agent, nodeUuid, bootId, knownToken, info.fake_agent_delay_ms, info.fake_fail).catch((err: unknown) =>
        task.log.warn({ node: nodeUuid, err: String(err) }, 'simulated cleaning agent stopped'),
      );
    }, 0);
  }

  private startAgent(task: Task, knownToken: string | null): void {
    const info = fakeInfo(task);
    if (info.fake_fail === 'agent_timeout') return;
    const nodeUuid = task.node.uuid;
    const expected = String((task.node.instance_info as { image_checksum?: string }).image_checksum ?? '');
    // As the real ramdisk reads it from its kernel command line: this agent belongs to this boot only.
    const bootId = agentBootId(task);
    // Runs after deploy() returns and the node is parked in wait call-back, as a real agent would.
    setTimeout(() => {
      void runSimulatedAgent(task.agent, nodeUuid, bootId, knownToken, expected, info.fake_agent_delay_ms, info.fake_fail).catch((err: unknown) =>
        task.log.warn({ node: nodeUuid, err: String(err) }, 'simulated agent stopped'),
      );
    }, 0);
  }
}

async function runSimulatedAgent(
  agent: AgentChannel,
  nodeUuid: string,
  bootId: string | undefined,
  knownToken: string | null,
  expectedChecksum: string,
  delayMs: number,
  fail: string,
): Promise<void> {
  await sleep(delayMs);
  let token = knownToken;
  if (!token) token = (await withRetry(() => agent.lookup({ node_uuid: nodeUuid, boot_id: bootId }))).agent_token;
  if (!token) throw new Error('lookup returned no agent token');
  const beat = (body: Partial<AgentHeartbeat> & Pick<AgentHeartbeat, 'agent_status'>) =>
    withRetry(() => agent.heartbeat(nodeUuid, { agent_token: token!, agent_version: 'ironplan-fake-agent 1', ...body }));
  let reply = await readyUntilTold(beat);
  if (reply.command !== 'write_image') return;
  if (fail === 'agent_error') {
    await beat({ agent_status: 'failed', error: 'simulated disk write error on /dev/sda' });
    return;
  }
  const total = 32 * 1024 * 1024;
  await sleep(delayMs);
  reply = await beat({ agent_status: 'busy', bytes_written: total / 2, bytes_total: total });
  await sleep(delayMs);
  const computed = fail === 'checksum_mismatch' ? `sha256:${'0'.repeat(64)}` : expectedChecksum;
  await beat({ agent_status: 'written', bytes_written: total, bytes_total: total, image_checksum_computed: computed });
}

/** The agent booted for cleaning: erases what it is told to and reports back, as agent.sh does. */
async function runSimulatedCleaningAgent(agent: AgentChannel, nodeUuid: string, bootId: string | undefined, knownToken: string | null, delayMs: number, fail: string): Promise<void> {
  await sleep(delayMs);
  const token = knownToken || (await withRetry(() => agent.lookup({ node_uuid: nodeUuid, boot_id: bootId }))).agent_token;
  if (!token) throw new Error('lookup returned no agent token');
  const beat = (body: Partial<AgentHeartbeat> & Pick<AgentHeartbeat, 'agent_status'>) =>
    withRetry(() => agent.heartbeat(nodeUuid, { agent_token: token, agent_version: 'ironplan-fake-agent 1', ...body }));
  const reply = await readyUntilTold(beat);
  if (reply.command !== 'erase_devices_metadata') return;
  await sleep(delayMs);
  if (fail === 'clean_error') {
    await beat({ agent_status: 'failed', error: 'simulated erase error: /dev/sda is write-protected' });
    return;
  }
  await beat({ agent_status: 'cleaned', erased_devices: '/dev/sda' });
}

/**
 * Says ready until the manager answers with something other than wait, as agent.sh's loop does: the
 * first heartbeat can arrive while the flow is still parking the node.
 */
async function readyUntilTold(beat: (body: Pick<AgentHeartbeat, 'agent_status'>) => Promise<AgentCommand>): Promise<AgentCommand> {
  for (let i = 0; ; i++) {
    const reply = await beat({ agent_status: 'ready' });
    if (reply.command !== 'wait' || i >= 2000) return reply;
    await sleep(5);
  }
}

/** A real agent retries while its node is locked by the manager (409); so does the simulated one. */
async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if ((code !== 'NodeLocked' && code !== 'NotFound' && code !== 'StaleWrite' && code !== 'Conflict') || attempt >= 5000) throw err;
      // The manager holds the node only for the moments of a step: retry soon (a real agent waits longer).
      await sleep(attempt < 50 ? 1 : 20);
    }
  }
}
