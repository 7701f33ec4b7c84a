// The agent deploy interface (Ironic's `direct` deploy): boot the deploy ramdisk, let the agent in it
// pull the image onto the disk and verify it by re-reading, then boot the node from its disk.
// The agent only pulls (lookup + heartbeats); no connection into the ramdisk is ever needed.
import type { AgentHeartbeat, CleanStep, DeployInterface, HeartbeatOutcome, StepResult, Task } from '../types.js';
import { DriverError } from '../types.js';
import { validator } from '../../contract/validation.js';
import { imageChecksumOf, type ImageChecksumFields } from '../../contract/image-checksum.js';
import { agentFailed, bootAgent, command, dismissAgent } from './protocol.js';

interface DeployProgress {
  deploy_step?: 'boot_ramdisk' | 'write_image' | 'written';
  bytes_written?: number;
  bytes_total?: number;
  /** What the agent streams: the source itself, or the manager's raw conversion of it (and its digest). */
  deploy_image_url?: string;
  deploy_image_checksum?: string;
  /** The config drive the agent writes after the image, when the deployment has one. */
  configdrive_url?: string;
}

/** driver_internal_info keys a deploy sets and its end drops. */
const DEPLOY_KEYS = ['deploy_step', 'bytes_written', 'bytes_total', 'deploy_image_url', 'deploy_image_checksum', 'configdrive_url'] as const;

interface CleanProgress {
  clean_step?: 'boot_ramdisk' | 'erase_devices_metadata' | null;
}

export class AgentDeploy implements DeployInterface {
  readonly name: string = 'agent';
  readonly cleanSteps = ['erase_devices_metadata'] as const;

  async validate(task: Task): Promise<void> {
    const ii = task.node.instance_info as { image_source?: string } & ImageChecksumFields;
    if (!ii.image_source) throw new DriverError('MissingParameterValue', 'instance_info.image_source is required to deploy', 'instance_info.image_source');
    const checksum = imageChecksumOf(ii);
    if (!checksum) {
      throw new DriverError('MissingParameterValue', 'instance_info.image_checksum (or image_os_hash_algo and image_os_hash_value) is required to deploy', 'instance_info.image_checksum');
    }
    if (!validator('common.schema.json#/definitions/ImageChecksum')(checksum)) {
      const field = ii.image_checksum ? 'image_checksum' : 'image_os_hash_value';
      throw new DriverError('InvalidParameterValue', `instance_info.${field} must give a sha256 (64 hex) or sha512 (128 hex) digest`, `instance_info.${field}`);
    }
  }

  /**
   * The image is made ready (verified against its checksum, converted to raw where its format needs it)
   * and the config drive built BEFORE the node is touched: a bad image fails the deploy with the node as it was.
   */
  async deploy(task: Task): Promise<StepResult> {
    const ii = task.node.instance_info as { image_source?: string } & ImageChecksumFields;
    // A boot interface that boots nothing (fake) has no agent to stream anything: nothing to prepare.
    const images = task.driver.boot.bootsAgent === false ? undefined : task.images;
    const image = images ? await images.rawImage(task) : { url: ii.image_source, checksum: imageChecksumOf(ii)!, converted: false };
    const configdrive = images ? await images.configDrive(task) : null;
    if (image.converted) task.log.info({ node: task.node.uuid, url: image.url }, 'agent: deploying the raw conversion of the image');
    await task.driver.power.setPowerState(task, 'power off');
    return bootAgent(task, {
      deploy_step: 'boot_ramdisk',
      bytes_written: 0,
      deploy_image_url: image.url,
      deploy_image_checksum: image.checksum,
      configdrive_url: configdrive,
    });
  }

  async heartbeat(task: Task, hb: AgentHeartbeat): Promise<HeartbeatOutcome> {
    if (task.node.provision_state === 'clean wait') return this.cleanHeartbeat(task, hb);
    const ii = task.node.instance_info as { image_source?: string; root_device?: { name?: string } } & ImageChecksumFields;
    const dii = task.node.driver_internal_info as DeployProgress;
    const step = dii.deploy_step;
    const imageUrl = dii.deploy_image_url ?? ii.image_source;
    const imageChecksum = dii.deploy_image_checksum ?? imageChecksumOf(ii) ?? '';
    switch (hb.agent_status) {
      case 'ready':
        if (step === 'write_image' || step === 'written') {
          // The agent restarted mid-write (or the ramdisk rebooted): the disk content is unknown, start over.
          task.log.warn({ node: task.node.uuid }, 'agent reported ready during a write; writing the image again');
        }
        return {
          reply: command('write_image', {
            image_url: imageUrl,
            image_checksum: imageChecksum,
            root_device: ii.root_device?.name ?? '',
            ...(dii.configdrive_url ? { configdrive_url: dii.configdrive_url } : {}),
          }),
          next: { progress: { deploy_step: 'write_image', bytes_written: 0 } },
        };
      case 'busy':
        return { reply: command('wait'), next: { progress: { bytes_written: hb.bytes_written ?? 0, bytes_total: hb.bytes_total ?? null } } };
      case 'written': {
        const computed = hb.image_checksum_computed ?? '';
        if (computed !== imageChecksum) {
          await task.images?.removeConfigDrive(task);
          return {
            reply: command('poweroff'),
            next: { fail: `Image verification failed: the disk holds ${computed || 'an unknown digest'} after writing, expected ${imageChecksum}.` },
          };
        }
        return { reply: command('none'), next: { finish: true } };
      }
      case 'failed':
        // The config drive holds user data: it is not left on the boot server for a deploy that ended.
        await task.images?.removeConfigDrive(task);
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
    await task.images?.removeConfigDrive(task);
    await task.saveInternalInfo({ deploy_step: 'written', configdrive_url: null });
    await power.setPowerState(task, 'power on');
  }

  async tearDown(task: Task): Promise<void> {
    await task.driver.power.setPowerState(task, 'power off');
    await task.driver.boot.cleanUpInstance(task);
    await task.driver.boot.cleanUpRamdisk(task);
    await task.images?.removeConfigDrive(task);
    await task.saveInternalInfo(Object.fromEntries(DEPLOY_KEYS.map((k) => [k, null])));
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
