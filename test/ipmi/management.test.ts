import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverError, type ManagementInterface } from '../../drivers/types.js';
import { IpmiDriverInfoSchema } from '../../drivers/ipmi/driver-info.js';
import { IpmitoolClient } from '../../drivers/ipmi/ipmitool.js';
import { createIpmitoolManagement } from '../../drivers/ipmi/management.js';
import { driverInfoFor, makeTask, startFakeLab, type FakeLab } from './helpers.js';

let lab: FakeLab;
let management: ManagementInterface;

beforeAll(async () => {
  lab = await startFakeLab();
  management = createIpmitoolManagement({ client: new IpmitoolClient(), driverInfo: IpmiDriverInfoSchema.load() });
}, 15_000);

afterAll(async () => {
  await lab?.stop();
});

describe('ipmitool management against ipmi_sim', () => {
  it('reads "no override" on a fresh chassis as no boot device', async () => {
    const { task } = makeTask(driverInfoFor(lab.bmc));
    expect(await management.getBootDevice(task)).toEqual({ boot_device: null, persistent: false });
  });

  it('sets and reads back pxe, disk, cdrom and bios', async () => {
    const { task } = makeTask(driverInfoFor(lab.bmc));
    for (const device of ['pxe', 'disk', 'cdrom', 'bios'] as const) {
      await management.setBootDevice(task, device, false);
      expect(await management.getBootDevice(task)).toEqual({ boot_device: device, persistent: false });
    }
    // ipmi_sim hands "disk" to the chassis program as "default" (see shared/notes/hardware-lab.md).
    await management.setBootDevice(task, 'disk', false);
    expect(await lab.readChassis('boot')).toBe('default');
  });

  it('sends persistent requests and warns when the BMC drops the flag, as ipmi_sim does', async () => {
    const { task, logs } = makeTask(driverInfoFor(lab.bmc));
    await management.setBootDevice(task, 'pxe', true);
    expect(await management.getBootDevice(task)).toEqual({ boot_device: 'pxe', persistent: false });
    expect(logs.some((l) => l.level === 'warn' && String(l.msg).includes('persistent'))).toBe(true);
  });

  it('reports a device the BMC refuses as UnsupportedDevice even though ipmitool exits 0', async () => {
    const { task } = makeTask(driverInfoFor(lab.bmc));
    await management.setBootDevice(task, 'pxe', false);
    const err = await management.setBootDevice(task, 'safe', false).then(
      () => undefined,
      (e: unknown) => e as DriverError,
    );
    expect(err).toBeInstanceOf(DriverError);
    expect(err!.code).toBe('UnsupportedDevice');
    expect(err!.message).toContain(`${lab.bmc.address}:${lab.bmc.port}`);
    expect(err!.message).toContain('safe');
    expect((await management.getBootDevice(task)).boot_device).toBe('pxe');
  });

  it('lists the IPMI boot devices without contacting the BMC', async () => {
    const { task } = makeTask({ ipmi_address: '192.0.2.1' });
    expect(await management.getSupportedBootDevices(task)).toEqual(['pxe', 'disk', 'cdrom', 'bios', 'safe']);
  });
});

describe('ipmitool inject NMI against ipmi_sim', () => {
  // Ironic's "chassis power diag". ipmi_sim implements power on/off/cycle/reset but not the diagnostic
  // interrupt, so its refusal is what comes back, with the BMC and the command named.
  it('sends chassis power diag; a BMC without it (ipmi_sim) refuses, and the error says so', async () => {
    const { task } = makeTask(driverInfoFor(lab.bmc));
    const err = await management.injectNmi!(task).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toContain(`BMC ${lab.bmc.address}:${lab.bmc.port}`);
    expect(err?.message).toContain('Set Chassis Power Control to Diag failed');
  });
});
