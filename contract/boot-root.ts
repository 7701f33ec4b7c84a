// The boot root holds what machines fetch to boot (kernels, ramdisks, per-node iPXE scripts). Drivers
// write and check references into it and the HTTP service serves it, so both sides share its rules here:
// the confinement, and the chain script every machine is handed first (an API service answers that one
// itself, with no drivers loaded).
import { realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

/** The real path of `rel` under `root`, or undefined if it escapes it (by .., a symlink) or is not a file. */
export async function confine(root: string, rel: string): Promise<{ path: string; size: number; mtime: Date } | undefined> {
  if (rel.includes('\0')) return undefined;
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return undefined;
  }
  const wanted = resolve(realRoot, `.${sep}${rel}`);
  if (wanted !== realRoot && !wanted.startsWith(realRoot + sep)) return undefined;
  try {
    const real = await realpath(wanted);
    if (!real.startsWith(realRoot + sep)) return undefined;
    const st = await stat(real);
    return st.isFile() ? { path: real, size: st.size, mtime: st.mtime } : undefined;
  } catch {
    return undefined;
  }
}

/** The DHCP bootfile every machine is given: it chains to the script prepared for the booting NIC. */
export const CHAIN_SCRIPT_NAME = 'boot.ipxe';

/** iPXE's ${netX} is the interface that did the DHCP exchange which loaded the current script. */
const NET_MAC_HEXHYP = '${netX/mac:hexhyp}';
const NET_MAC = '${netX/mac}';

/**
 * The generic boot.ipxe every machine gets from DHCP: it chains to the script prepared for the
 * booting NIC's MAC, and when there is none (not ours, or nothing to do) leaves to the next boot device.
 */
export function renderChainScript(apiUrl: string): string {
  const api = apiUrl.replace(/\/+$/, '');
  return [
    '#!ipxe',
    '# ironplan: hand each machine the script prepared for the MAC it booted from',
    `chain --autofree ${api}/boot/nodes/${NET_MAC_HEXHYP}.ipxe || goto unknown`,
    'exit',
    ':unknown',
    `echo ironplan: no boot script for ${NET_MAC}, leaving to the next boot device`,
    'exit',
    '',
  ].join('\n');
}

/** aa:bb:cc:dd:ee:ff -> aa-bb-cc-dd-ee-ff, the spelling iPXE's :hexhyp produces. */
export function macToHexhyp(mac: string): string {
  const m = mac.trim().toLowerCase();
  if (!/^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/.test(m)) throw new Error(`not a MAC address: ${mac}`);
  return m.replace(/:/g, '-');
}

/** Path of a node's script relative to the boot root (served under {bootUrl}/boot/). */
export function nodeScriptName(mac: string): string {
  return `nodes/${macToHexhyp(mac)}.ipxe`;
}

/** The MAC (aa:bb:…) a node-script path is for, or undefined when the path is not a node's script. */
export function macOfNodeScript(path: string): string | undefined {
  const m = /^nodes\/([0-9a-f]{2}(?:-[0-9a-f]{2}){5})\.ipxe$/.exec(path.toLowerCase());
  return m ? m[1]!.replace(/-/g, ':') : undefined;
}
