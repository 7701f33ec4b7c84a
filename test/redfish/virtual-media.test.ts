// The redfish-virtual-media boot interface against the lab BMC: the agent's ramdisk boot (the same
// bootAgent the deploy, cleaning and inspection flows use) inserts the deploy ISO in the virtual CD and
// boots it once from cdrom; cleaning up ejects it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootAgent } from '../../drivers/agent/protocol.js';
import type { BootInterface, Task } from '../../drivers/types.js';
import { createRedfishVirtualMediaBoot } from '../../drivers/redfish/virtual-media.js';
import { RedfishDriverInfoSchema } from '../../drivers/redfish/driver-info.js';
import { startLab, type RedfishLab } from './helpers.js';

let lab: RedfishLab;
let bootRoot: string;
let boot: BootInterface;
beforeAll(async () => {
  lab = await startLab();
  bootRoot = await mkdtemp(join(tmpdir(), 'rf-vmedia-'));
  await writeFile(join(bootRoot, 'deploy.iso'), 'not really an ISO');
  boot = createRedfishVirtualMediaBoot({ client: lab.client, driverInfo: new RedfishDriverInfoSchema() });
});
afterAll(async () => {
  await lab.close();
  await rm(bootRoot, { recursive: true, force: true });
});

/** A task with the node's interfaces and the service settings bootAgent and the boot interface read. */
function vmTask(driverInfo: Record<string, unknown>): Task {
  const base = lab.task(driverInfo);
  const internal: Record<string, unknown> = {};
  return Object.assign(Object.create(null), base, {
    node: { ...base.node, driver_internal_info: internal },
    settings: { bootRoot, apiUrl: 'http://10.0.2.2:6385', bootUrl: 'http://10.0.2.2:8080', deployCallbackTimeoutSec: 60 },
    driver: { power: lab.power, management: lab.management, boot },
    saveInternalInfo: async (patch: Record<string, unknown>) => void Object.assign(internal, patch),
  }) as Task;
}

describe('redfish-virtual-media boot', () => {
  it('validate names deploy_iso when it is missing or outside the boot root', async () => {
    await expect(boot.validate(vmTask({}))).rejects.toMatchObject({ code: 'MissingParameterValue', field: 'deploy_iso' });
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
