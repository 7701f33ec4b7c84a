// Boot device, boot mode, Secure Boot and BIOS through Redfish against the lab BMC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedfishDriverInfoSchema } from '../../drivers/redfish/driver-info.js';
import { startLab, type RedfishLab } from './helpers.js';

let lab: RedfishLab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => lab.close());

describe('redfish management', () => {
  it('boot device once: used by the next power on, then gone', async () => {
    const task = lab.task();
    await lab.management.setBootDevice(task, 'pxe', false);
    expect(lab.bmc.state.boot).toMatchObject({ target: 'Pxe', enabled: 'Once' });
    expect(await lab.management.getBootDevice(task)).toEqual({ boot_device: 'pxe', persistent: false });
    await lab.power.setPowerState(task, 'power on');
    await new Promise((r) => setTimeout(r, 60));
    expect(lab.machine.bootedFrom).toBe('Pxe');
    expect(await lab.management.getBootDevice(task)).toEqual({ boot_device: null, persistent: null });
    await lab.power.setPowerState(task, 'power off');
  });

  it('boot device persistent: kept across boots', async () => {
    const task = lab.task();
    await lab.management.setBootDevice(task, 'cdrom', true);
    await lab.power.reboot(task);
    await lab.power.reboot(task);
    expect(lab.machine.history.slice(-2).map((h) => h.boot)).toEqual(['Cd', 'Cd']);
    expect(await lab.management.getBootDevice(task)).toEqual({ boot_device: 'cdrom', persistent: true });
    await lab.management.setBootDevice(task, 'disk', true);
    expect(await lab.management.getBootDevice(task)).toEqual({ boot_device: 'disk', persistent: true });
    await lab.power.setPowerState(task, 'power off');
  });

  it('UEFI HTTP boot, where the BMC offers it', async () => {
    const task = lab.task();
    expect(await lab.management.getSupportedBootDevices(task)).toContain('uefihttp');
    await lab.management.setBootDevice(task, 'uefihttp', false);
    expect(lab.bmc.state.boot).toMatchObject({ target: 'UefiHttp', enabled: 'Once' });
    expect(await lab.management.getBootDevice(task)).toEqual({ boot_device: 'uefihttp', persistent: false });
  });

  it('refuses a device Redfish has no target for', async () => {
    await expect(lab.management.setBootDevice(lab.task(), 'safe', false)).rejects.toMatchObject({ code: 'UnsupportedDevice' });
  });

  it('boot mode get and set (BootSourceOverrideMode)', async () => {
    const task = lab.task();
    expect(await lab.management.getBootMode!(task)).toBe('uefi');
    await lab.management.setBootMode!(task, 'bios');
    expect(lab.bmc.state.boot.mode).toBe('Legacy');
    expect(await lab.management.getBootMode!(task)).toBe('bios');
    await lab.management.setBootMode!(task, 'uefi');
  });

  it('secure boot get and set', async () => {
    const task = lab.task();
    expect(await lab.management.getSecureBootState!(task)).toBe(false);
    await lab.management.setSecureBootState!(task, true);
    expect(await lab.management.getSecureBootState!(task)).toBe(true);
  });

  it('BIOS: lists the settings, applies new ones at the next boot, refuses unknown names writing nothing', async () => {
    const task = lab.task();
    const bios = lab.management.bios!;
    expect(await bios.getSettings(task)).toContainEqual({ name: 'ProcTurboMode', value: 'Enabled' });
    await expect(bios.applySettings(task, [{ name: 'ProcTurboMode', value: 'Disabled' }, { name: 'NoSuchKnob', value: 1 }])).rejects.toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('"NoSuchKnob"') });
    expect(lab.bmc.state.pendingBios).toEqual({});
    expect(await bios.applySettings(task, [{ name: 'ProcTurboMode', value: 'Disabled' }])).toEqual({ pending: [{ name: 'ProcTurboMode', value: 'Disabled' }] });
    expect(await bios.getSettings(task)).toContainEqual({ name: 'ProcTurboMode', value: 'Enabled' });
    await lab.power.reboot(task);
    expect(await bios.getSettings(task)).toContainEqual({ name: 'ProcTurboMode', value: 'Disabled' });
    await lab.power.setPowerState(task, 'power off');
  });

  it('names the BMC\'s own message when it refuses a change', async () => {
    const task = lab.task();
    const conn = new RedfishDriverInfoSchema().parse(task.node.driver_info);
    await expect(lab.client.patch(conn, lab.bmc.paths.system, { Boot: { BootSourceOverrideTarget: 'Floppy' } })).rejects.toThrow(/HTTP 400: The value "Floppy" for the property BootSourceOverrideTarget is not in the list of acceptable values/);
  });
});
