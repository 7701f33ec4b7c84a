// The same driver against the layouts of real BMCs (test/redfish/fixtures/: ids, trailing slashes,
// Storage vs SimpleStorage, If-Match, session-only or basic-only auth, what Reset types they offer).
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BmcProfile } from '../../lab/redfish/profile.js';
import { startLab, type RedfishLab } from './helpers.js';

const dir = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as BmcProfile & { expect: Record<string, unknown> });

describe.each(fixtures)('redfish driver on $name', (fixture) => {
  let lab: RedfishLab;
  beforeAll(async () => {
    lab = await startLab({ profile: fixture });
  });
  afterAll(async () => lab.close());

  it('finds the only system without redfish_system_id and inspects it', async () => {
    const result = await lab.inspect.inspect(lab.task());
    expect(result).toEqual({ done: true, inventory: fixture.expect, macs: fixture.inventory.macs.map((m) => m.toUpperCase()) });
  });

  it('powers on with a Reset type the BMC offers, and off', async () => {
    const task = lab.task({ redfish_system_id: fixture.systemId });
    await lab.power.setPowerState(task, 'power on');
    expect(lab.machine.history.at(-1)?.type).toBe(fixture.resetTypes.includes('On') ? 'On' : 'ForceOn');
    await lab.power.setPowerState(task, 'power off');
    expect(await lab.power.getPowerState(task)).toBe('power off');
  });

  it('sets the boot device (If-Match where required) and lists the supported ones', async () => {
    const task = lab.task();
    await lab.management.setBootDevice(task, 'pxe', false);
    expect(await lab.management.getBootDevice(task)).toEqual({ boot_device: 'pxe', persistent: false });
    const uefiHttp = fixture.bootTargets.includes('UefiHttp') ? ['uefihttp'] : [];
    expect(await lab.management.getSupportedBootDevices(task)).toEqual(['pxe', 'disk', 'cdrom', 'bios', ...uefiHttp]);
  });

  it('applies a BIOS setting where the BMC keeps them (pending until the next boot when it has a settings object)', async () => {
    const task = lab.task();
    const bios = lab.management.bios!;
    const [first] = await bios.getSettings(task);
    const value = typeof first!.value === 'boolean' ? !first!.value : `${String(first!.value)}X`;
    const { pending } = await bios.applySettings(task, [{ name: first!.name, value }]);
    if (fixture.biosSettingsObject) {
      expect(pending).toEqual([{ name: first!.name, value }]);
      await lab.power.reboot(task);
    } else expect(pending).toEqual([]);
    expect((await bios.getSettings(task)).find((s) => s.name === first!.name)?.value).toEqual(value);
  });
});
