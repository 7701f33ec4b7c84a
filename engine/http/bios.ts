// BIOS settings as Ironic's API shows them (ironic/api/controllers/v1/bios.py): read from the manager's
// cache (bios_settings), never from the BMC, each with its links under the node.
import type { BiosSettingRecord } from '../store/bios.js';
import { links } from './repr.js';

/** Ironic's default fields (name, value) with the timestamps and links object_to_dict adds. */
export function biosSettingJson(s: BiosSettingRecord, nodeIdent: string, base: string): Record<string, unknown> {
  return { name: s.name, value: s.value, created_at: s.created_at, updated_at: s.updated_at, links: links(base, `nodes/${nodeIdent}/bios/${encodeURIComponent(s.name)}`) };
}
