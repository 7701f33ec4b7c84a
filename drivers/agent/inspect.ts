// In-band inspection with the ramdisk agent (Ironic's `agent` inspect interface): boot the deploy
// ramdisk, let the agent report what the kernel sees (CPUs, memory, the largest disk, architecture), and
// record it in the node's properties. The agent only pulls, as for deploy and cleaning.
import type { AgentHeartbeat, HeartbeatOutcome, InspectInterface, StepResult, Task } from '../types.js';
import { DriverError } from '../types.js';
import { agentFailed, bootAgent, command, dismissAgent } from './protocol.js';
import { checkInventory } from '../../contract/inventory.js';

export class AgentInspect implements InspectInterface {
  readonly name = 'agent';

  async validate(task: Task): Promise<void> {
    const boot = task.driver.boot;
    if (boot.bootsAgent === false) {
      // Nothing would ever boot the ramdisk, so the node would sit in inspect wait until the deadline.
      throw new DriverError(
        'InvalidParameterValue',
        `inspect interface "agent" needs a boot interface that boots the agent's ramdisk; boot interface "${boot.name}" boots nothing (use inspect_interface "fake" for simulated inspection, or boot_interface "ipxe")`,
        'inspect_interface',
      );
    }
    await boot.validate(task);
  }

  async inspect(task: Task): Promise<StepResult> {
    await task.driver.power.setPowerState(task, 'power off');
    return bootAgent(task, { inspect_step: 'boot_ramdisk' });
  }

  async heartbeat(task: Task, hb: AgentHeartbeat): Promise<HeartbeatOutcome> {
    const asked = task.node.driver_internal_info.inspect_step === 'inspect';
    switch (hb.agent_status) {
      case 'ready':
      case 'inspected':
        if (hb.agent_status === 'inspected' && asked) {
          const { cpus, memory_mb, local_gb, cpu_arch } = hb;
          const checked = checkInventory({ cpus, memory_mb, local_gb, cpu_arch });
          if ('problem' in checked) {
            return { reply: command('poweroff'), next: { fail: `Inspection agent reported an incomplete inventory (${checked.problem}): cpus, memory_mb, local_gb and cpu_arch are all required` } };
          }
          return { reply: command('poweroff'), next: { finish: true, inventory: checked.inventory } };
        }
        return { reply: command('inspect'), next: { progress: { inspect_step: 'inspect' } } };
      case 'busy':
        return { reply: command('wait') };
      case 'failed':
        return agentFailed('Inspection', hb);
      default:
        throw new DriverError('InvalidParameterValue', 'agent_status must be ready, busy, inspected or failed while inspecting', 'agent_status');
    }
  }

  async finishInspection(task: Task): Promise<void> {
    await dismissAgent(task, ['inspect_step']);
  }
}
