// The boot root holds what machines fetch to boot (kernels, ramdisks, per-node iPXE scripts). Drivers
// check references into it and the HTTP service serves it, both through this one confinement rule.
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
