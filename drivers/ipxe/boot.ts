// The `ipxe` boot interface: per-MAC iPXE scripts in the boot root, which the HTTP service serves
// under /boot/ and the TFTP server serves as is. The machine's DHCP bootfile is boot.ipxe.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PxeDriverInfo } from '../../contract/generated/drivers/pxe.js';
import { CHAIN_SCRIPT_NAME, confine } from '../../contract/boot-root.js';
import { loadDriverSchema } from '../schema.js';
import { DriverError, type BootInterface, type JsonSchema, type ServiceSettings, type Task } from '../types.js';
import { nodeScriptName, renderChainScript, renderDeployScript, renderLocalBootScript } from './scripts.js';
import { agentBootId } from '../agent/protocol.js';
import { bootModeOf } from '../../contract/boot-mode.js';

export { CHAIN_SCRIPT_NAME };

const URL_RE = /^(https?|tftp):\/\//i;

/** A driver_info image reference: absolute URLs are kept, bare names live in the boot root. */
export function resolveBootFileUrl(ref: string, settings: Pick<ServiceSettings, 'apiUrl' | 'bootUrl'>): string {
  if (URL_RE.test(ref)) return ref;
  // The files are in this manager's boot root: served by the manager itself where it serves them.
  return `${(settings.bootUrl ?? settings.apiUrl).replace(/\/+$/, '')}/boot/${ref.replace(/^\/+/, '')}`;
}

/** Writes through a temp file and rename, so a machine fetching the script never sees half of it. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(tmp, content, { mode: 0o644 });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function pxeInfo(task: Task): PxeDriverInfo {
  return task.node.driver_info as PxeDriverInfo;
}

function pxeMacs(task: Task): string[] {
  return task.ports.filter((p) => p.pxe_enabled).map((p) => p.address.toLowerCase());
}

/**
 * A driver_info boot file reference of a boot interface: a URL its `urlPattern` accepts is kept, anything
 * else must name a file inside the boot root. Shared by the boot interfaces that take boot files.
 */
export async function checkBootFileRef(
  task: Task,
  field: string,
  value: unknown,
  opts: { interfaceName: string; urlPattern: RegExp; urlKind: string },
): Promise<string> {
  if (value === undefined || value === null || value === '') {
    throw new DriverError('MissingParameterValue', `driver_info.${field} is required by the ${opts.interfaceName} boot interface`, field);
  }
  if (typeof value !== 'string') {
    throw new DriverError('InvalidParameterValue', `driver_info.${field} must be a string (${opts.urlKind} or a file name in the boot root)`, field);
  }
  if (opts.urlPattern.test(value)) return value;
  if (value.split('/').includes('..') || value.startsWith('/')) {
    throw new DriverError('InvalidParameterValue', `driver_info.${field} must be ${opts.urlKind} or a file name inside the boot root, not ${value}`, field);
  }
  // The same check the HTTP boot route serves by, so a symlink out of the root fails here, not at boot.
  if (!(await confine(task.settings.bootRoot, value))) {
    throw new DriverError('InvalidParameterValue', `driver_info.${field}: ${value} is not in the boot root ${task.settings.bootRoot}`, field);
  }
  return value;
}

function checkImageRef(task: Task, field: 'deploy_kernel' | 'deploy_ramdisk'): Promise<string> {
  return checkBootFileRef(task, field, pxeInfo(task)[field], { interfaceName: 'ipxe', urlPattern: URL_RE, urlKind: 'a URL' });
}

export class IpxeBoot implements BootInterface {
  readonly name = 'ipxe';
  readonly driverInfoSchema: JsonSchema;

  constructor(schema: JsonSchema = loadDriverSchema('pxe.schema.json')) {
    this.driverInfoSchema = schema;
  }

  async validate(task: Task): Promise<void> {
    await checkImageRef(task, 'deploy_kernel');
    await checkImageRef(task, 'deploy_ramdisk');
    const extra = pxeInfo(task).kernel_append_params;
    if (extra !== undefined && typeof extra !== 'string') {
      throw new DriverError('InvalidParameterValue', 'driver_info.kernel_append_params must be a string', 'kernel_append_params');
    }
    if (pxeMacs(task).length === 0) {
      throw new DriverError('MissingParameterValue', `node ${task.node.uuid} has no ports with pxe_enabled to network-boot from`, 'ports');
    }
  }

  async prepareRamdisk(task: Task): Promise<void> {
    await this.validate(task);
    const info = pxeInfo(task);
    const { settings } = task;
    const kernelUrl = resolveBootFileUrl(info.deploy_kernel!, settings);
    const initrdUrl = resolveBootFileUrl(info.deploy_ramdisk!, settings);
    await this.ensureChainScript(settings);
    for (const mac of pxeMacs(task)) {
      const script = renderDeployScript({ kernelUrl, initrdUrl, apiUrl: settings.apiUrl, mac, extraArgs: info.kernel_append_params, bootId: agentBootId(task) });
      await writeFileAtomic(join(settings.bootRoot, nodeScriptName(mac)), script);
    }
    task.log.info({ node: task.node.uuid, macs: pxeMacs(task) }, 'ipxe: deploy ramdisk scripts written');
  }

  async cleanUpRamdisk(task: Task): Promise<void> {
    await this.removeScripts(task);
  }

  async prepareInstance(task: Task): Promise<void> {
    await this.ensureChainScript(task.settings);
    // sanboot of BIOS drive 0x80 means nothing to UEFI firmware: a UEFI node goes back to its boot order.
    const script = renderLocalBootScript(bootModeOf(task.node) === 'uefi' ? 'exit' : 'sanboot');
    for (const mac of pxeMacs(task)) {
      await writeFileAtomic(join(task.settings.bootRoot, nodeScriptName(mac)), script);
    }
    task.log.info({ node: task.node.uuid }, 'ipxe: local boot scripts written');
  }

  async cleanUpInstance(task: Task): Promise<void> {
    await this.removeScripts(task);
  }

  /** Every port, not only pxe_enabled ones: a port may have been switched off since it was prepared. */
  private async removeScripts(task: Task): Promise<void> {
    for (const port of task.ports) {
      let name: string;
      try {
        name = nodeScriptName(port.address);
      } catch {
        continue;
      }
      await rm(join(task.settings.bootRoot, name), { force: true });
    }
  }

  private async ensureChainScript(settings: ServiceSettings): Promise<void> {
    await writeFileAtomic(join(settings.bootRoot, CHAIN_SCRIPT_NAME), renderChainScript(settings.apiUrl));
  }
}
