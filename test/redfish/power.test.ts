// Power through Redfish against the lab BMC: each change is a ComputerSystem.Reset confirmed by reading
// PowerState back after the machine's PoweringOn/PoweringOff has passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMachine } from '../../lab/redfish/machine.js';
import { startLab, type RedfishLab } from './helpers.js';

let lab: RedfishLab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => lab.close());

describe('redfish power', () => {
  it('powers on and off, each confirmed by PowerState', async () => {
    const task = lab.task();
    expect(await lab.power.getPowerState(task)).toBe('power off');
    await lab.power.setPowerState(task, 'power on');
    expect(lab.machine.state).toBe('On');
    expect(lab.machine.history.at(-1)?.type).toBe('On');
    await lab.power.setPowerState(task, 'power off');
    expect(lab.machine.state).toBe('Off');
    expect(lab.machine.history.at(-1)?.type).toBe('ForceOff');
  });

  it('reboots with ForceRestart when on, On when off', async () => {
    const task = lab.task();
    await lab.power.reboot(task);
    expect(lab.machine.history.at(-1)?.type).toBe('On');
    expect(lab.machine.state).toBe('On');
    await lab.power.reboot(task);
    expect(lab.machine.history.at(-1)?.type).toBe('ForceRestart');
    expect(await lab.power.getPowerState(task)).toBe('power on');
  });

  it('soft power off is a GracefulShutdown, confirmed once the OS is down', async () => {
    const task = lab.task();
    await lab.power.setPowerState(task, 'power on');
    await lab.power.softPowerOff!(task, 5);
    expect(lab.machine.history.at(-1)?.type).toBe('GracefulShutdown');
    expect(lab.machine.state).toBe('Off');
  });

  it('injects an NMI into a running system', async () => {
    const task = lab.task();
    await lab.power.setPowerState(task, 'power on');
    const before = lab.machine.nmis;
    await lab.management.injectNmi!(task);
    expect(lab.machine.nmis).toBe(before + 1);
  });

  it('fails with PowerStateFailure when the state does not settle in time', async () => {
    const slow = await startLab({ machine: new FakeMachine({ gracefulMs: 5000 }) });
    try {
      const t = slow.task();
      await slow.power.setPowerState(t, 'power on');
      const started = Date.now();
      await expect(slow.power.softPowerOff!(t, 0.3)).rejects.toMatchObject({ code: 'PowerStateFailure', message: expect.stringMatching(/did not confirm "power off".*PoweringOff/) });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await slow.close();
    }
  });
});
