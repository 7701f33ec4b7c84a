// The lab's BMC (lab/bmc.ts: ipmi_sim) driving lab/vm-chassis.sh: ipmitool power and boot device
// commands reach QEMU, and the single-threaded BMC keeps answering while the VM runs.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmc, type RunningBmc } from '../../lab/bmc.js';
import { createDisk, destroyVm, readVmPid, waitForPowerOff, writeVmConfig, type VmLab } from '../../lab/vm.js';

const run = promisify(execFile);

describe('ipmi_sim + vm-chassis.sh', () => {
  let work: string;
  let lab: VmLab;
  let bmc: RunningBmc;

  const ipmitool = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(
      'ipmitool',
      ['-I', 'lanplus', '-H', bmc.address, '-p', String(bmc.port), '-U', 'admin', '-E', '-C', '3', ...args],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', IPMI_PASSWORD: 'secret-pw' }, timeout: 15_000 },
    );
    return stdout.trim();
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ironplan-lab-ipmi-'));
    await createDisk(join(work, 'disk.raw'), 8 << 20);
    lab = await writeVmConfig({ stateDir: join(work, 'vm'), disk: join(work, 'disk.raw'), mac: '52:54:00:0c:0c:02' });
    bmc = await startBmc({ chassisControl: lab.chassisControl, stateDir: join(work, 'bmc'), username: 'admin', password: 'secret-pw' });
  }, 30_000);
  afterAll(async () => {
    await bmc?.stop();
    if (lab) await destroyVm(lab);
    await rm(work, { recursive: true, force: true });
  });

  it('power on/off and boot device over IPMI reach QEMU', async () => {
    expect(await ipmitool('power', 'status')).toBe('Chassis Power is off');
    await ipmitool('chassis', 'bootdev', 'pxe');
    expect(await readFile(join(lab.config.stateDir, 'bootdev'), 'utf8')).toBe('pxe\n');
    const t = Date.now();
    await ipmitool('power', 'on');
    expect(await ipmitool('power', 'status')).toBe('Chassis Power is on');
    expect(Date.now() - t).toBeLessThan(5000);
    const pid = (await readVmPid(lab))!;
    expect((await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')).toContain('order=n');

    await ipmitool('chassis', 'bootdev', 'disk');
    expect(await readFile(join(lab.config.stateDir, 'bootdev'), 'utf8')).toBe('default\n');
    await ipmitool('power', 'off');
    await waitForPowerOff(lab, 5000);
    expect(await ipmitool('power', 'status')).toBe('Chassis Power is off');
  }, 60_000);
});
