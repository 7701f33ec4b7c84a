import { readFile, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriverError, type PowerInterface } from '../../drivers/types.js';
import { IpmiDriverInfoSchema } from '../../drivers/ipmi/driver-info.js';
import { IpmitoolClient } from '../../drivers/ipmi/ipmitool.js';
import { createIpmitoolPower } from '../../drivers/ipmi/power.js';
import { PASSWORD, driverInfoFor, makeTask, silentPort, startFakeLab, type FakeLab } from './helpers.js';

let lab: FakeLab;
let power: PowerInterface;

beforeAll(async () => {
  lab = await startFakeLab();
  power = createIpmitoolPower({ client: new IpmitoolClient(), driverInfo: IpmiDriverInfoSchema.load() });
}, 15_000);

afterAll(async () => {
  await lab?.stop();
});

async function rejection(promise: Promise<unknown>): Promise<DriverError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriverError);
  return err as DriverError;
}

describe('ipmitool power against ipmi_sim', () => {
  it('turns the chassis on and off, a change confirmed in under a second', async () => {
    const { task } = makeTask(driverInfoFor(lab.bmc));
    expect(await power.getPowerState(task)).toBe('power off');
    const changeMs: number[] = [];
    for (const state of ['power on', 'power off', 'power on', 'power off'] as const) {
      const started = performance.now();
      await power.setPowerState(task, state);
      changeMs.push(performance.now() - started);
      expect(await lab.readChassis('power')).toBe(state === 'power on' ? '1' : '0');
      expect(await power.getPowerState(task)).toBe(state);
    }
    // The median, so that one slow fork on a busy shared host does not fail the run.
    expect(changeMs.sort((a, b) => a - b)[1]).toBeLessThan(1000);
  });

  it('reboots a running node as off then on, and powers on a node that is off', async () => {
    const { task } = makeTask(driverInfoFor(lab.bmc));
    await power.setPowerState(task, 'power on');
    const before = (await lab.readChassis('calls.log')).split('\n').length;
    await power.reboot(task);
    const calls = (await lab.readChassis('calls.log')).split('\n').slice(before);
    expect(calls.filter((c) => c.startsWith('set power'))).toEqual(['set power 0', 'set power 1']);
    expect(await power.getPowerState(task)).toBe('power on');

    await power.setPowerState(task, 'power off');
    await power.reboot(task);
    expect(await power.getPowerState(task)).toBe('power on');
    await power.setPowerState(task, 'power off');
  });

  it('rejects a wrong password at once, as BmcAuthFailed, without retrying', async () => {
    const { task, logs } = makeTask(driverInfoFor(lab.bmc, { ipmi_password: 'not-the-password', ipmi_retries: 3 }));
    const started = performance.now();
    const err = await rejection(power.getPowerState(task));
    const elapsed = performance.now() - started;
    expect(err.code).toBe('BmcAuthFailed');
    expect(err.field).toBe('ipmi_password');
    expect(err.message).toContain(`${lab.bmc.address}:${lab.bmc.port}`);
    // Retrying three times would sleep 0.5 + 1 + 2 s in backoff alone.
    expect(elapsed).toBeLessThan(1500);
    expect(logs.some((l) => String(l.msg).startsWith('retrying'))).toBe(false);
  });

  it('tells an unknown user and an unsupported cipher suite apart from a wrong password', async () => {
    const wrongUser = await rejection(power.getPowerState(makeTask(driverInfoFor(lab.bmc, { ipmi_username: 'nobody' })).task));
    expect([wrongUser.code, wrongUser.field]).toEqual(['BmcAuthFailed', 'ipmi_username']);
    const badSuite = await rejection(power.getPowerState(makeTask(driverInfoFor(lab.bmc, { ipmi_cipher_suite: 17 })).task));
    expect([badSuite.code, badSuite.field]).toEqual(['BmcAuthFailed', 'ipmi_cipher_suite']);
  });

  it('reports BmcUnreachable when nothing listens, after the configured timeout and retries', async () => {
    const port = await silentPort();
    const { task, logs } = makeTask({ ipmi_address: '127.0.0.1', ipmi_port: port, ipmi_password: PASSWORD, ipmi_timeout: 1, ipmi_retries: 1 });
    const started = performance.now();
    const err = await rejection(power.getPowerState(task));
    const elapsed = performance.now() - started;
    expect(err.code).toBe('BmcUnreachable');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toContain('2 attempts');
    // Two 1 s attempts and a 0.5 s backoff between them.
    expect(elapsed).toBeGreaterThan(2300);
    expect(elapsed).toBeLessThan(4000);
    expect(logs.filter((l) => String(l.msg).startsWith('retrying'))).toHaveLength(1);
  }, 10_000);

  it('never puts the password in an argument list or a log, only in the child environment', async () => {
    const port = await silentPort();
    const { task, logs } = makeTask({ ipmi_address: '127.0.0.1', ipmi_port: port, ipmi_username: 'admin', ipmi_password: PASSWORD, ipmi_timeout: 1, ipmi_retries: 0 });
    // An unanswered call keeps ipmitool alive for the whole second, long enough to inspect it.
    const call = power.getPowerState(task).catch(() => undefined);
    let seen: { cmdline: string; environ: string } | undefined;
    const deadline = Date.now() + 900;
    while (!seen && Date.now() < deadline) {
      seen = await findIpmitoolProcess(String(port));
      if (!seen) await new Promise((r) => setTimeout(r, 20));
    }
    await call;
    expect(seen, 'the ipmitool child was never observed').toBeDefined();
    expect(seen!.cmdline).toContain('-E');
    expect(seen!.cmdline).not.toContain(PASSWORD);
    expect(seen!.environ).toContain(`IPMI_PASSWORD=${PASSWORD}`);
    expect(JSON.stringify(logs)).not.toContain(PASSWORD);
  });

  it('lets calls to different BMCs run side by side while one BMC is stuck', async () => {
    const stuck = makeTask({ ipmi_address: '127.0.0.1', ipmi_port: await silentPort(), ipmi_password: PASSWORD, ipmi_timeout: 3, ipmi_retries: 0 });
    const live = makeTask(driverInfoFor(lab.bmc));
    let stuckSettledAt = Infinity;
    const stuckCall = power.getPowerState(stuck.task).catch((e: unknown) => {
      stuckSettledAt = performance.now();
      return e;
    });
    const states = await Promise.all([1, 2, 3, 4].map(() => power.getPowerState(live.task)));
    const liveDoneAt = performance.now();
    expect(states).toEqual(['power off', 'power off', 'power off', 'power off']);
    expect(((await stuckCall) as DriverError).code).toBe('BmcUnreachable');
    expect(liveDoneAt).toBeLessThan(stuckSettledAt);
  });
});

describe('ipmitool power validate (no hardware)', () => {
  it('names a missing ipmi_address', async () => {
    const { task } = makeTask({ ipmi_username: 'admin' });
    const err = await rejection(power.validate(task));
    expect(err.code).toBe('MissingParameterValue');
    expect(err.field).toBe('ipmi_address');
    expect(err.message).toContain('ipmi_address');
  });

  it('names a wrong-typed ipmi_port', async () => {
    const { task } = makeTask({ ipmi_address: '127.0.0.1', ipmi_port: '623' });
    const err = await rejection(power.validate(task));
    expect(err.code).toBe('InvalidParameterValue');
    expect(err.field).toBe('ipmi_port');
    expect(err.message).toContain('ipmi_port');
  });

  it('accepts minimal driver_info and fills in the schema defaults without touching the node', async () => {
    const driverInfo = { ipmi_address: 'bmc.example' };
    const { task } = makeTask(driverInfo);
    await power.validate(task);
    expect(IpmiDriverInfoSchema.load().parse(driverInfo)).toEqual({
      address: 'bmc.example',
      port: 623,
      username: undefined,
      password: undefined,
      cipherSuite: 3,
      retries: 2,
      timeoutSec: 10,
    });
    expect(driverInfo).toEqual({ ipmi_address: 'bmc.example' });
  });
});

async function findIpmitoolProcess(portArg: string): Promise<{ cmdline: string; environ: string } | undefined> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!args[0]?.endsWith('ipmitool') || !args.includes(portArg)) continue;
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    return { cmdline: args.join(' '), environ: environ.split('\0').join('\n') };
  }
  return undefined;
}

// ipmitool soft power off (API 1.27's "soft power off"): `ipmitool power soft`, an ACPI shutdown request
// ipmi_sim hands to the chassis program as "set shutdown", confirmed by the BMC reporting power off.
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
