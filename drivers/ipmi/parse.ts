import type { BootDevice, BootDeviceInfo, PowerState } from '../types.js';

/** `power status` prints "Chassis Power is on|off". */
export function parsePowerStatus(stdout: string): PowerState | null {
  const match = /Chassis Power is (on|off)/i.exec(stdout);
  if (!match) return null;
  return match[1]!.toLowerCase() === 'on' ? 'power on' : 'power off';
}

/** IPMI 2.0 table 28-14, boot flags data byte 2 bits 5:2 ("boot device selector"). */
const DEVICE_BY_SELECTOR: ReadonlyMap<number, BootDevice> = new Map([
  [0x1, 'pxe'],
  [0x2, 'disk'],
  [0x3, 'safe'],
  [0x5, 'cdrom'],
  [0x6, 'bios'],
]);

/**
 * Reads `chassis bootparam get 5` from its raw data bytes rather than ipmitool's prose, which
 * differs between ipmitool versions. The "valid" bit is ignored on purpose: ipmi_sim never sets it,
 * and Ironic ignores it too. Selectors with no BootDevice name (no override, floppy, diagnostics) → null.
 */
export function parseBootParam5(stdout: string): BootDeviceInfo | null {
  const match = /Boot parameter data:\s*([0-9a-f]{4,})/i.exec(stdout);
  if (!match) return null;
  const bytes = match[1]!;
  const flags = parseInt(bytes.slice(0, 2), 16);
  const selector = (parseInt(bytes.slice(2, 4), 16) >> 2) & 0x0f;
  return {
    boot_device: DEVICE_BY_SELECTOR.get(selector) ?? null,
    persistent: (flags & 0x40) !== 0,
  };
}
