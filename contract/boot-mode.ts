// A node's boot mode, read where Ironic reads it: the instance's capabilities (instance_info.capabilities
// boot_mode, or instance_info.boot_mode), then driver_info.boot_mode, then the node's
// properties.capabilities ("boot_mode:uefi,..." or an object). Shared by the management interfaces (how
// to ask for a network boot) and the boot interfaces (which loader a machine gets).
import type { NodeRecord } from './generated/node-record.js';

export type BootMode = 'bios' | 'uefi';

/** Ironic's capabilities: "k1:v1,k2:v2" or an object. */
export function capability(caps: unknown, key: string): string | undefined {
  if (typeof caps === 'string') {
    for (const part of caps.split(',')) {
      const i = part.indexOf(':');
      if (i > 0 && part.slice(0, i).trim() === key) return part.slice(i + 1).trim();
    }
    return undefined;
  }
  if (caps && typeof caps === 'object') {
    const v = (caps as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

function asMode(v: unknown): BootMode | undefined {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  return s === 'uefi' || s === 'bios' ? s : undefined;
}

export function bootModeOf(node: Pick<NodeRecord, 'instance_info' | 'driver_info' | 'properties'>): BootMode {
  const ii = (node.instance_info ?? {}) as Record<string, unknown>;
  const di = (node.driver_info ?? {}) as Record<string, unknown>;
  const props = (node.properties ?? {}) as Record<string, unknown>;
  return (
    asMode(capability(ii.capabilities, 'boot_mode')) ??
    asMode(ii.boot_mode) ??
    asMode(di.boot_mode) ??
    asMode(capability(props.capabilities, 'boot_mode')) ??
    'bios'
  );
}
