// ipmitool soft power off (API 1.27's "soft power off"): `ipmitool power soft`, an ACPI shutdown request
// ipmi_sim hands to the chassis program as "set shutdown", confirmed by the BMC reporting power off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PowerInterface } from '../../drivers/types.js';
import { IpmiDriverInfoSchema } from '../../drivers/ipmi/driver-info.js';
import { IpmitoolClient } from '../../drivers/ipmi/ipmitool.js';
import { createIpmitoolPower } from '../../drivers/ipmi/power.js';
import { driverInfoFor, makeTask, startFakeLab, type FakeLab } from './helpers.js';

let lab: FakeLab;
let power: PowerInterface;

beforeAll(async () => {
  lab = await startFakeLab();
  power = createIpmitoolPower({ client: new IpmitoolClient(), driverInfo: IpmiDriverInfoSchema.load() });
}, 15_000);

afterAll(async () => {
  await lab?.stop();
});

describe('ipmitool soft power off against ipmi_sim', () => {
  it('asks the OS to shut down (not a hard off) and resolves once the BMC reports power off', async () => {
    const { task } = makeTask(driverInfoFor(lab.bmc));
    await power.setPowerState(task, 'power on');
    const before = (await lab.readChassis('calls.log')).split('\n').length;
    expect(power.softPowerOff).toBeTypeOf('function');
    await power.softPowerOff!(task, 10);
    const calls = (await lab.readChassis('calls.log')).split('\n').slice(before);
    expect(calls.filter((c) => c.startsWith('set'))).toEqual([expect.stringMatching(/^set shutdown/)]);
    expect(await power.getPowerState(task)).toBe('power off');
  });
});
