// The redfish-virtual-media boot interface against the lab BMC: the agent's ramdisk boot (the same
// bootAgent the deploy, cleaning and inspection flows use) inserts the deploy ISO in the virtual CD and
// boots it once from cdrom; cleaning up ejects it. With deploy_kernel/deploy_ramdisk the ISO is the one the
// manager's image service builds for the node (real xorriso), named for this boot and removed at clean-up.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootAgent } from '../../drivers/agent/protocol.js';
import type { BootInterface, Task } from '../../drivers/types.js';
import { createRedfishVirtualMediaBoot } from '../../drivers/redfish/virtual-media.js';
import { RedfishDriverInfoSchema } from '../../drivers/redfish/driver-info.js';
import { ManagerImages, VMEDIA_DIR } from '../../engine/images/service.js';
import { startLab, type RedfishLab } from './helpers.js';

let lab: RedfishLab;
let bootRoot: string;
let boot: BootInterface;
beforeAll(async () => {
  lab = await startLab();
  bootRoot = await mkdtemp(join(tmpdir(), 'rf-vmedia-'));
  await writeFile(join(bootRoot, 'deploy.iso'), 'not really an ISO');
  // The ISO builder copies them; being a kernel is the boot's business, not the interface's.
  await writeFile(join(bootRoot, 'deploy.vmlinuz'), 'kernel');
  await writeFile(join(bootRoot, 'deploy.initrd.gz'), 'initrd');
  boot = createRedfishVirtualMediaBoot({ client: lab.client, driverInfo: new RedfishDriverInfoSchema() });
});
afterAll(async () => {
  await lab.close();
  await rm(bootRoot, { recursive: true, force: true });
});

/** A task with the node's interfaces and the service settings bootAgent and the boot interface read. */
const MAC = '52:54:00:ab:cd:01';
const SETTINGS = { apiUrl: 'http://10.0.2.2:6385', bootUrl: 'http://10.0.2.2:8080' };
function vmTask(driverInfo: Record<string, unknown>, node: Record<string, unknown> = {}): Task {
  const base = lab.task(driverInfo);
  const internal: Record<string, unknown> = {};
  return Object.assign(Object.create(null), base, {
    node: { ...base.node, instance_info: {}, network_data: {}, ...node, driver_internal_info: internal },
    ports: [{ address: MAC, pxe_enabled: true }],
    images: new ManagerImages({ bootRoot, ...SETTINGS }),
    settings: { bootRoot, ...SETTINGS, deployCallbackTimeoutSec: 60 },
    driver: { power: lab.power, management: lab.management, boot },
    saveInternalInfo: async (patch: Record<string, unknown>) => void Object.assign(internal, patch),
  }) as Task;
}

describe('redfish-virtual-media boot', () => {
  it('validate names deploy_kernel when nothing is given, deploy_iso when it is the one given and wrong', async () => {
    await expect(boot.validate(vmTask({}))).rejects.toMatchObject({ code: 'MissingParameterValue', field: 'deploy_kernel' });
    await expect(boot.validate(vmTask({ deploy_kernel: 'deploy.vmlinuz' }))).rejects.toMatchObject({ code: 'MissingParameterValue', field: 'deploy_ramdisk' });
    await expect(boot.validate(vmTask({ deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: '../x' }))).rejects.toMatchObject({ code: 'InvalidParameterValue', field: 'deploy_ramdisk' });
    await boot.validate(vmTask({ deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz' }));
    await expect(boot.validate(vmTask({ deploy_iso: '../etc/passwd' }))).rejects.toMatchObject({ code: 'InvalidParameterValue', field: 'deploy_iso' });
    await expect(boot.validate(vmTask({ deploy_iso: 'missing.iso' }))).rejects.toMatchObject({ field: 'deploy_iso' });
    await boot.validate(vmTask({ deploy_iso: 'deploy.iso' }));
  });

  it('the ramdisk boot inserts the ISO (as a URL the BMC fetches) and boots it once from the CD', async () => {
    const result = await bootAgent(vmTask({ deploy_iso: 'deploy.iso' }), { deploy_step: 'test' });
    expect(result).toMatchObject({ wait: true, powerState: 'power on' });
    expect(lab.machine.media).toBe('http://10.0.2.2:8080/boot/deploy.iso');
    expect(lab.bmc.state.media.image).toBe('http://10.0.2.2:8080/boot/deploy.iso');
    await new Promise((r) => setTimeout(r, 60));
    expect(lab.machine.bootedFrom).toBe('Cd');
    // Used once: the next boot is the machine's own order again.
    expect(lab.bmc.state.boot.enabled).toBe('Disabled');
  });

  it('a second ramdisk boot replaces the medium; cleaning up ejects it', async () => {
    const task = vmTask({ deploy_iso: 'https://images.example/deploy-2.iso' });
    await lab.power.setPowerState(task, 'power off');
    await bootAgent(task, { deploy_step: 'again' });
    expect(lab.machine.media).toBe('https://images.example/deploy-2.iso');
    await boot.cleanUpRamdisk(task);
    expect(lab.machine.media).toBeNull();
    expect((await lab.client.get(new RedfishDriverInfoSchema().parse(task.node.driver_info), lab.bmc.paths.cd)).Inserted).toBe(false);
    await boot.prepareInstance(task); // nothing inserted: nothing to eject, no error
  });
});

describe('redfish-virtual-media boot with the per-node ISO', () => {
  const info = { deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz', kernel_append_params: 'ipa-debug=1' };
  const network_data = {
    links: [{ id: 'eth0', type: 'phy', ethernet_mac_address: MAC }],
    networks: [{ id: 'n', link: 'eth0', type: 'ipv4', ip_address: '10.0.2.50', netmask: '255.255.255.0', gateway: '10.0.2.2' }],
  };

  it('builds the node an ISO carrying its agent settings and static address, boots it once from the CD in UEFI mode; clean-up ejects and removes it', async () => {
    const task = vmTask(info, { network_data, properties: { capabilities: 'boot_mode:uefi' } });
    await lab.power.setPowerState(task, 'power off');
    await bootAgent(task, { deploy_step: 'boot_ramdisk' });
    const url = lab.machine.media!;
    expect(url).toMatch(new RegExp(`^http://10\\.0\\.2\\.2:8080/boot/${VMEDIA_DIR}/${task.node.uuid}-[0-9a-f]{32}\\.iso$`));
    expect(lab.bmc.state.boot.mode).toBe('UEFI');
    await new Promise((r) => setTimeout(r, 60));
    expect(lab.machine.bootedFrom).toBe('Cd');
    // What the BMC would fetch: the ISO's boot entries carry the agent's settings for this boot.
    const iso = join(bootRoot, url.replace('http://10.0.2.2:8080/boot/', ''));
    const cfg = join(bootRoot, 'isolinux.cfg');
    await promisify(execFile)('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/isolinux/isolinux.cfg', cfg]);
    const stdout = await readFile(cfg, 'utf8');
    await rm(cfg, { force: true });
    expect(stdout).toContain('ipa-api-url=http://10.0.2.2:6385');
    expect(stdout).toContain(`ipa-boot-id=${task.node.driver_internal_info.agent_boot_id as string}`);
    expect(stdout).toContain('BOOTIF=01-52-54-00-ab-cd-01');
    expect(stdout).toContain('ipa-ip=10.0.2.50/24 ipa-gateway=10.0.2.2');
    expect(stdout).toContain('ipa-debug=1');

    await lab.power.setPowerState(task, 'power off');
    await boot.cleanUpRamdisk(task);
    expect(lab.machine.media).toBeNull();
    expect(await readdir(join(bootRoot, VMEDIA_DIR))).toEqual([]);
  }, 60_000);

  it('an InsertMedia the BMC refuses fails the boot with the BMC\'s words, not the ISO\'s secret name', async () => {
    const task = vmTask({ ...info, redfish_connection_attempts: 1 });
    await lab.power.setPowerState(task, 'power off');
    const original = lab.machine.insertMedia.bind(lab.machine);
    lab.machine.insertMedia = async () => {
      throw new Error('media server unreachable from the BMC');
    };
    try {
      const err = (await bootAgent(task, { deploy_step: 'boot_ramdisk' }).catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/did not insert the deploy ISO .*media server unreachable from the BMC/);
      expect(err.message).not.toMatch(/[0-9a-f]{32}\.iso/);
      expect(await lab.power.getPowerState(task)).toBe('power off');
    } finally {
      lab.machine.insertMedia = original;
    }
  }, 60_000);
});
