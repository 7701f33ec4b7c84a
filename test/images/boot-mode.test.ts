// UEFI nodes: where the boot mode is read from, and the ipmitool management asking a real BMC (ipmi_sim)
// for an EFI boot of the device (`options=efiboot`), as Ironic's does.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootModeOf } from '../../contract/boot-mode.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { IpmiDriverInfoSchema } from '../../drivers/ipmi/driver-info.js';
import { IpmitoolClient } from '../../drivers/ipmi/ipmitool.js';
import { createIpmitoolManagement } from '../../drivers/ipmi/management.js';
import { driverInfoFor, makeTask, startFakeLab, type FakeLab } from '../ipmi/helpers.js';

const node = (p: Partial<NodeRecord>) => ({ instance_info: {}, driver_info: {}, properties: {}, ...p }) as NodeRecord;

describe('boot mode', () => {
  it('is read from the instance, then driver_info, then the node capabilities; bios by default', () => {
    expect(bootModeOf(node({}))).toBe('bios');
    expect(bootModeOf(node({ properties: { capabilities: 'secure_boot:false,boot_mode:uefi' } }))).toBe('uefi');
    expect(bootModeOf(node({ properties: { capabilities: { boot_mode: 'uefi' } } }))).toBe('uefi');
    expect(bootModeOf(node({ driver_info: { boot_mode: 'UEFI' }, properties: { capabilities: 'boot_mode:bios' } }))).toBe('uefi');
    expect(bootModeOf(node({ instance_info: { capabilities: { boot_mode: 'bios' } }, driver_info: { boot_mode: 'uefi' } }))).toBe('bios');
    expect(bootModeOf(node({ instance_info: { boot_mode: 'uefi' } }))).toBe('uefi');
    expect(bootModeOf(node({ properties: { capabilities: 'boot_mode:gpt' } }))).toBe('bios');
  });
});

describe('ipmitool boot device of a UEFI node', () => {
  let lab: FakeLab;
  beforeAll(async () => {
    lab = await startFakeLab();
  }, 15_000);
  afterAll(async () => {
    await lab?.stop();
  });

  // ipmi_sim accepts the EFI flag but keeps only the device (it drops "persistent" alike), so what was
  // asked is read from the real ipmitool's command line, through a wrapper that records it.
  it('asks for an EFI boot (options=efiboot) for a UEFI node and the BMC accepts it; a BIOS node without', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ironplan-efiboot-'));
    const wrapper = join(dir, 'ipmitool');
    await writeFile(wrapper, `#!/bin/sh\necho "$*" >>${dir}/calls\nexec ipmitool "$@"\n`, { mode: 0o755 });
    try {
      const management = createIpmitoolManagement({ client: new IpmitoolClient({ binary: wrapper }), driverInfo: IpmiDriverInfoSchema.load() });
      const calls = async () => (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n').filter((l) => l.includes('bootdev'));
      await management.setBootDevice(makeTask(driverInfoFor(lab.bmc, { boot_mode: 'uefi' })).task, 'pxe', false);
      expect((await calls()).at(-1)).toMatch(/chassis bootdev pxe options=efiboot$/);
      expect(await lab.readChassis('boot')).toBe('pxe');
      const viaCaps = makeTask(driverInfoFor(lab.bmc)).task;
      (viaCaps.node as { properties?: unknown }).properties = { capabilities: 'boot_mode:uefi' };
      await management.setBootDevice(viaCaps, 'disk', true);
      expect((await calls()).at(-1)).toMatch(/chassis bootdev disk options=persistent,efiboot$/);
      await management.setBootDevice(makeTask(driverInfoFor(lab.bmc)).task, 'pxe', false);
      expect((await calls()).at(-1)).toMatch(/chassis bootdev pxe$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
