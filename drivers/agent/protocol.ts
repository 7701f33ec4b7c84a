// What the agent-based interfaces (deploy, cleaning, inspection) share: booting the ramdisk to wait for
// the agent, and the shape of the commands they answer its heartbeats with.
import type { AgentCommand, AgentHeartbeat, HeartbeatOutcome, StepResult, Task } from '../types.js';
import { randomBytes } from 'node:crypto';
import { newToken } from '../../contract/ids.js';

/** Short (it goes on a kernel command line), unguessable enough to tell boots apart. */
const newBootId = (): string => randomBytes(9).toString('base64url');

/** The node's current agent boot, as the ramdisk's boot configuration passes it on (ipa-boot-id=). */
export const agentBootId = (task: Task): string | undefined => task.node.driver_internal_info.agent_boot_id as string | undefined;

const HEARTBEAT_INTERVAL_SEC = 2;

export const command = (name: AgentCommand['command'], args: Omit<AgentCommand, 'command' | 'heartbeat_interval'> = {}): AgentCommand => ({
  command: name,
  ...args,
  heartbeat_interval: HEARTBEAT_INTERVAL_SEC,
});

/** The agent gave up: it is told to power off, and the flow fails with its reason. */
export const agentFailed = (who: string, hb: AgentHeartbeat): HeartbeatOutcome => ({
  reply: command('poweroff'),
  next: { fail: `${who} agent reported an error: ${hb.error ?? 'no reason given'}` },
});

/**
 * With the node powered off: a fresh one-time agent token (lookup hands it out once) and the id of this
 * boot, `progress` recorded, ramdisk boot configuration (carrying the boot id to the agent), one network
 * boot, power on. The node then waits for its agent. The boot id binds the token to this flow: an agent of
 * an earlier boot that looks the node up with its own id is refused.
 */
export async function bootAgent(task: Task, progress: Record<string, unknown>): Promise<StepResult> {
  const { power, management, boot } = task.driver;
  await task.saveInternalInfo({ ...progress, agent_secret_token: newToken(), agent_secret_token_retrieved: false, agent_boot_id: newBootId() });
  await boot.prepareRamdisk(task);
  await management.setBootDevice(task, boot.ramdiskBootDevice ?? 'pxe', false);
  await power.setPowerState(task, 'power on');
  return { wait: true, timeoutSec: task.settings.deployCallbackTimeoutSec, powerState: 'power on' };
}

/** The agent's work is over: power off, ramdisk boot configuration removed, its token and `forget` dropped. */
export async function dismissAgent(task: Task, forget: string[]): Promise<void> {
  await task.driver.power.setPowerState(task, 'power off');
  await task.driver.boot.cleanUpRamdisk(task);
  await task.saveInternalInfo({ ...Object.fromEntries(forget.map((k) => [k, null])), agent_secret_token: null, agent_secret_token_retrieved: null, agent_boot_id: null });
}
