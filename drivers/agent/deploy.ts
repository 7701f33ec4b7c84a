// The agent deploy interface (Ironic's `direct` deploy): boot the deploy ramdisk, let the agent in it
// pull the image onto the disk and verify it by re-reading, then boot the node from its disk.
// The agent only pulls (lookup + heartbeats); no connection into the ramdisk is ever needed.
import type { AgentHeartbeat, CleanStep, DeployInterface, HeartbeatOutcome, StepResult, Task } from '../types.js';
import { DriverError } from '../types.js';
import { validator } from '../../contract/validation.js';
import { agentFailed, bootAgent, command, dismissAgent } from './protocol.js';

interface DeployProgress {
  deploy_step?: 'boot_ramdisk' | 'write_image' | 'written';
  bytes_written?: number;
  bytes_total?: number;
}

interface CleanProgress {
  clean_step?: 'boot_ramdisk' | 'erase_devices_metadata' | null;
}

export class AgentDeploy implements DeployInterface {
  readonly name: string = 'agent';
  readonly cleanSteps = ['erase_devices_metadata'] as const;

  async validate(task: Task): Promise<void> {
    const ii = task.node.instance_info as { image_source?: string; image_checksum?: string };
    if (!ii.image_source) throw new DriverError('MissingParameterValue', 'instance_info.image_source is required to deploy', 'instance_info.image_source');
    if (!ii.image_checksum) throw new DriverError('MissingParameterValue', 'instance_info.image_checksum is required to deploy', 'instance_info.image_checksum');
    if (!validator('common.schema.json#/definitions/ImageChecksum')(ii.image_checksum)) {
      throw new DriverError('InvalidParameterValue', 'instance_info.image_checksum must be sha256:<64 hex> or sha512:<128 hex>', 'instance_info.image_checksum');
    }
  }

  async deploy(task: Task): Promise<StepResult> {
    await task.driver.power.setPowerState(task, 'power off');
    return bootAgent(task, { deploy_step: 'boot_ramdisk', bytes_written: 0 });
  }

  async heartbeat(task: Task, hb: AgentHeartbeat): Promise<HeartbeatOutcome> {
    if (task.node.provision_state === 'clean wait') return this.cleanHeartbeat(task, hb);
    const ii = task.node.instance_info as { image_source: string; image_checksum: string; root_device?: { name?: string } };
    const step = (task.node.driver_internal_info as DeployProgress).deploy_step;
    switch (hb.agent_status) {
      case 'ready':
        if (step === 'write_image' || step === 'written') {
          // The agent restarted mid-write (or the ramdisk rebooted): the disk content is unknown, start over.
          task.log.warn({ node: task.node.uuid }, 'agent reported ready during a write; writing the image again');
        }
        return {
          reply: command('write_image', { image_url: ii.image_source, image_checksum: ii.image_checksum, root_device: ii.root_device?.name ?? '' }),
          next: { progress: { deploy_step: 'write_image', bytes_written: 0 } },
        };
      case 'busy':
        return { reply: command('wait'), next: { progress: { bytes_written: hb.bytes_written ?? 0, bytes_total: hb.bytes_total ?? null } } };
      case 'written': {
        const computed = hb.image_checksum_computed ?? '';
        if (computed !== ii.image_checksum) {
          return {
            reply: command('poweroff'),
            next: { fail: `Image verification failed: the disk holds ${computed || 'an unknown digest'} after writing, expected ${ii.image_checksum}.` },
          };
        }
        return { reply: command('none'), next: { finish: true } };
      }
      case 'failed':
        return agentFailed('Deploy', hb);
      default:
        throw new DriverError('InvalidParameterValue', `agent_status must be ready, busy, written or failed`, 'agent_status');
    }
  }

  async finish(task: Task): Promise<void> {
    const { power, management, boot } = task.driver;
    await power.setPowerState(task, 'power off');
    await boot.cleanUpRamdisk(task);
    await boot.prepareInstance(task);
    await management.setBootDevice(task, 'disk', true);
    await task.saveInternalInfo({ deploy_step: 'written' });
    await power.setPowerState(task, 'power on');
  }

  async tearDown(task: Task): Promise<void> {
    await task.driver.power.setPowerState(task, 'power off');
    await task.driver.boot.cleanUpInstance(task);
    await task.driver.boot.cleanUpRamdisk(task);
    await task.saveInternalInfo({ deploy_step: null, bytes_written: null, bytes_total: null });
  }

  async takeOver(_task: Task): Promise<void> {
    // The real agent keeps heartbeating whoever answers; boot scripts are files. Nothing to restart.
  }

  /**
   * Automated cleaning, as Ironic's agent does it with erase_devices_metadata: boot the ramdisk, let the
   * agent wipe the partition tables and filesystem signatures at both ends of every disk (a tenant's data
   * is then unreachable without a full shred), power off. With automated cleaning off, only the
   * out-of-band part: powered off, boot configuration removed. A manual clean erases if its steps say so,
   * whatever the automated setting.
   */
  async clean(task: Task): Promise<StepResult> {
    const { power, boot } = task.driver;
    const manual = task.node.driver_internal_info.clean_steps as CleanStep[] | undefined;
    const erase = manual ? manual.some((s) => s.interface === 'deploy' && s.step === 'erase_devices_metadata') : task.settings.automatedClean;
    await power.setPowerState(task, 'power off');
    await boot.cleanUpInstance(task);
    if (!erase) {
      await boot.cleanUpRamdisk(task);
      await task.saveInternalInfo({ clean_steps: null });
      return { done: true };
    }
    return bootAgent(task, { clean_step: 'boot_ramdisk' });
  }

  private async cleanHeartbeat(task: Task, hb: AgentHeartbeat): Promise<HeartbeatOutcome> {
    const erasing = (task.node.driver_internal_info as CleanProgress).clean_step === 'erase_devices_metadata';
    switch (hb.agent_status) {
      case 'ready':
      case 'cleaned':
        // Done only if it is the answer to our erase; otherwise (a restarted agent) the erase is (re)issued.
        if (hb.agent_status === 'cleaned' && erasing) {
          task.log.info({ node: task.node.uuid, devices: hb.erased_devices ?? '' }, 'agent erased disk metadata');
          return { reply: command('poweroff'), next: { finish: true } };
        }
        if (erasing) task.log.warn({ node: task.node.uuid }, 'agent reported ready during the erase; erasing again');
        return { reply: command('erase_devices_metadata', { devices: '' }), next: { progress: { clean_step: 'erase_devices_metadata' } } };
      case 'busy':
        return { reply: command('wait'), next: { progress: { clean_step: 'erase_devices_metadata' } } };
      case 'failed':
        return agentFailed('Cleaning', hb);
      default:
        throw new DriverError('InvalidParameterValue', `agent_status must be ready, busy, cleaned or failed while cleaning`, 'agent_status');
    }
  }

  async finishCleaning(task: Task): Promise<void> {
    await dismissAgent(task, ['clean_step', 'clean_steps']);
  }
}
