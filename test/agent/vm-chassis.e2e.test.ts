// lab/vm-chassis.sh, invoked the way ipmi_sim's chassis_control invokes it, with a real QEMU.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chassis, chassisProgramPath, createDisk, destroyVm, readVmPid, waitForConsole, writeVmConfig, type VmLab } from '../../lab/vm.js';

const run = promisify(execFile);

describe('vm-chassis.sh', () => {
  let work: string;
  let lab: VmLab;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ironplan-chassis-'));
    await createDisk(join(work, 'disk.raw'), 8 << 20);
    lab = await writeVmConfig({
      stateDir: join(work, 'state'),
      disk: join(work, 'disk.raw'),
      mac: '52:54:00:0C:0C:01',
      bootfile: 'http://10.0.2.2:1/boot/boot.ipxe',
    });
  });
  afterAll(async () => {
    if (lab) await destroyVm(lab);
    await rm(work, { recursive: true, force: true });
  });

  it('remembers the boot device and answers in ipmi_sim format', async () => {
    expect(await chassis(lab, 'get', 'power')).toBe('power:0');
    expect(await chassis(lab, 'get', 'boot')).toBe('boot:default');
    expect(await chassis(lab, 'set', 'boot', 'pxe')).toBe('');
    expect(await chassis(lab, 'get', 'power', 'boot')).toBe('power:0\nboot:pxe');
  });

  it('powers QEMU on detached and at once, network-booting; powers it off', async () => {
    const t = Date.now();
    // execFile resolves only when stdout closes: a QEMU holding it would hang this, like the BMC.
    await chassis(lab, 'set', 'power', '1');
    expect(Date.now() - t).toBeLessThan(3000);
    expect(await chassis(lab, 'get', 'power')).toBe('power:1');
    const pid = (await readVmPid(lab))!;
    const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /, '').split(' ');
    expect(Number(stat[3])).toBe(pid); // session id: its own session (setsid)
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    expect(cmdline).toContain('order=n');
    expect(cmdline.join(' ')).toContain('bootfile=http://10.0.2.2:1/boot/boot.ipxe');
    expect(cmdline.join(' ')).toContain('mac=52:54:00:0c:0c:01');
    // Firmware output reaches the serial log.
    await waitForConsole(lab, 'iPXE', { timeoutMs: 30_000 });

    await chassis(lab, 'set', 'power', '1'); // already on: no second QEMU
    expect(await readVmPid(lab)).toBe(pid);

    await chassis(lab, 'set', 'power', '0');
    expect(await chassis(lab, 'get', 'power')).toBe('power:0');
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(`/proc/${pid}/cmdline`) && (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('qemu')).toBe(false);
  }, 60_000);

  it('boots from disk unless the boot device is pxe', async () => {
    await chassis(lab, 'set', 'boot', 'default');
    await chassis(lab, 'set', 'power', '1');
    const pid = (await readVmPid(lab))!;
    expect((await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')).toContain('order=c');
    await chassis(lab, 'set', 'reset', '1');
    const pid2 = (await readVmPid(lab))!;
    expect(pid2).not.toBe(pid);
    expect(await chassis(lab, 'get', 'power')).toBe('power:1');
    await chassis(lab, 'set', 'power', '0');
    expect(await chassis(lab, 'get', 'power')).toBe('power:0');
  }, 60_000);

  it('fails clearly without a configuration', async () => {
    const err = await run(chassisProgramPath(), ['0x20', 'get', 'power'], { env: { ...process.env, IRONPLAN_VM_CONF: join(work, 'none.conf') } }).then(
      () => null,
      (e: { stderr: string; code: number }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain('no configuration');
  });
});
