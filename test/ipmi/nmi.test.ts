// Inject NMI (Ironic API 1.29) through the ipmitool management interface, against ipmi_sim: Ironic's
// "chassis power diag" reaches the BMC's chassis control. ipmi_sim implements power on/off/cycle/reset but
// not the diagnostic interrupt, so its refusal is what comes back, with the BMC named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagementInterface } from '../../drivers/types.js';
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

describe('ipmitool inject NMI against ipmi_sim', () => {
  it('sends chassis power diag; a BMC without it (ipmi_sim) refuses, and the error names BMC and command', async () => {
    const { task } = makeTask(driverInfoFor(lab.bmc));
    const err = await management.injectNmi!(task).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toContain(`BMC ${lab.bmc.address}:${lab.bmc.port}`);
    expect(err?.message).toContain('Set Chassis Power Control to Diag failed');
  });

  it('fails with the BMC named when the credentials are wrong', async () => {
    const { task } = makeTask(driverInfoFor(lab.bmc, { ipmi_password: 'wrong' }));
    await expect(management.injectNmi!(task)).rejects.toThrow(/BMC|ipmitool/);
  });
});
