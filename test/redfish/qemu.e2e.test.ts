// Slow (a real QEMU VM under software emulation): the lab's Redfish BMC mapped onto a VM through QMP.
// Power on through the redfish driver starts the VM (QMP says running), InsertMedia puts an ISO in its CD
// drive (QMP query-block shows it), power off stops it.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisk } from '../../lab/vm.js';
import { QemuMachine } from '../../lab/redfish/qemu.js';
import { RedfishDriverInfoSchema } from '../../drivers/redfish/driver-info.js';
import { startLab, type RedfishLab } from './helpers.js';

const run = promisify(execFile);
let dir: string;
let machine: QemuMachine;
let lab: RedfishLab;
let iso: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ironplan-redfish-qemu-'));
  await createDisk(join(dir, 'disk.raw'), 16 * 1024 * 1024);
  await mkdir(join(dir, 'iso-root'));
  await writeFile(join(dir, 'iso-root', 'hello.txt'), 'from the virtual CD\n');
  iso = join(dir, 'media.iso');
  await run('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'RFLAB', '-o', iso, join(dir, 'iso-root')]);
  machine = new QemuMachine({ stateDir: join(dir, 'vm'), disk: join(dir, 'disk.raw'), mac: '52:54:00:12:34:77', memoryMb: 64 });
  lab = await startLab({ machine });
});
afterAll(async () => {
  await lab?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('redfish BMC on a QEMU VM', () => {
  it('inspection reports the VM as configured: memory, disk, NIC', async () => {
    expect(await lab.inspect.inspect(lab.task())).toEqual({ done: true, inventory: { cpus: 1, memory_mb: 64, local_gb: 0, cpu_arch: 'x86_64' }, macs: ['52:54:00:12:34:77'.toUpperCase()] });
  });

  it('power on boots the VM, InsertMedia changes its CD, power off stops it', async () => {
    const task = lab.task();
    expect(await lab.power.getPowerState(task)).toBe('power off');
    await lab.management.setBootDevice(task, 'cdrom', false);
    await lab.power.setPowerState(task, 'power on');
    expect(await machine.execute('query-status')).toMatchObject({ status: 'running', running: true });
    // The one-time override became the VM's boot order: CD first.
    expect((await readFile(`/proc/${machine.pid}/cmdline`, 'utf8')).split('\0')).toContain('order=d');

    const parsed = new RedfishDriverInfoSchema().parse(task.node.driver_info);
    await lab.client.post(parsed, `${lab.bmc.paths.cd}/Actions/VirtualMedia.InsertMedia`, { Image: `file://${iso}`, Inserted: true });
    const blocks = await machine.execute<Array<{ device: string; qdev?: string; inserted?: { file: string } }>>('query-block');
    const cd = blocks.find((b) => b.qdev?.includes('cd0'));
    expect(cd?.inserted?.file).toBe(iso);
    expect((await lab.client.get(parsed, lab.bmc.paths.cd)).Inserted).toBe(true);

    await lab.client.post(parsed, `${lab.bmc.paths.cd}/Actions/VirtualMedia.EjectMedia`, {});
    const after = await machine.execute<Array<{ qdev?: string; inserted?: unknown }>>('query-block');
    expect(after.find((b) => b.qdev?.includes('cd0'))?.inserted).toBeUndefined();

    await lab.power.setPowerState(task, 'power off');
    expect(await machine.powerState()).toBe('Off');
    await expect(machine.execute('query-status')).rejects.toThrow(/powered off/);
  });
});
