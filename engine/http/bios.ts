// BIOS settings as Ironic's API shows them (ironic/api/controllers/v1/bios.py): read from the manager's
// cache (bios_settings), never from the BMC, each with its links under the node.
import type { BiosSettingRecord } from '../store/bios.js';
import { links } from './repr.js';

/** The registry fields Ironic adds with ?detail=true (API 1.74). */
const REGISTRY = ['attribute_type', 'allowable_values', 'lower_bound', 'upper_bound', 'min_length', 'max_length', 'read_only', 'reset_required', 'unique'] as const;

/** Ironic's default fields (name, value) with the timestamps and links object_to_dict adds; the registry's with `detail`. */
export function biosSettingJson(s: BiosSettingRecord, nodeIdent: string, base: string, detail = false): Record<string, unknown> {
  const registry = detail ? Object.fromEntries(REGISTRY.map((k) => [k, s[k]])) : {};
  return { name: s.name, value: s.value, ...registry, created_at: s.created_at, updated_at: s.updated_at, links: links(base, `nodes/${nodeIdent}/bios/${encodeURIComponent(s.name)}`) };
}
