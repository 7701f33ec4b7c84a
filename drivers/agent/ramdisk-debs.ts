// Debian packages for the deploy ramdisk, fetched without root: which version the archive has now
// (apt-cache), the .deb itself (apt-get download, checked against the archive's sha256) and its members.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);

export interface DebInfo {
  pkg: string;
  version: string;
  arch: string;
  sha256: string;
}

/** apt-cache show records (--no-all-versions: one per package), keyed by package name. */
export async function aptShow(pkgs: string[]): Promise<Map<string, string>> {
  const { stdout } = await run('apt-cache', ['show', '--no-all-versions', ...pkgs], { maxBuffer: 16 << 20 });
  const records = new Map<string, string>();
  for (const rec of stdout.split(/\n\n+/)) {
    const m = /^Package: (.*)$/m.exec(rec);
    if (m) records.set(m[1]!.trim(), rec);
  }
  return records;
}

function field(record: string, name: string, pkg: string): string {
  const m = new RegExp(`^${name}: (.*)$`, 'm').exec(record);
  if (!m) throw new Error(`apt-cache show ${pkg}: no ${name} field`);
  return m[1]!.trim();
}

export function debInfo(pkg: string, records: Map<string, string>): DebInfo {
  const rec = records.get(pkg);
  if (!rec) throw new Error(`apt-cache knows no package ${pkg} (is apt-get update done?)`);
  return { pkg, version: field(rec, 'Version', pkg), arch: field(rec, 'Architecture', pkg), sha256: field(rec, 'SHA256', pkg) };
}


export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** apt-get download names files pkg_version_arch.deb with the epoch colon URL-encoded. */
function debFileName(d: DebInfo): string {
  return `${d.pkg}_${d.version.replace(/:/g, '%3a')}_${d.arch}.deb`;
}

export async function fetchDeb(d: DebInfo, debDir: string, log: (m: string) => void): Promise<string> {
  const path = join(debDir, debFileName(d));
  if (existsSync(path) && (await sha256File(path)) === d.sha256) return path;
  log(`apt-get download ${d.pkg}=${d.version}`);
  await run('apt-get', ['download', `${d.pkg}=${d.version}`], { cwd: debDir, maxBuffer: 16 << 20 });
  if (!existsSync(path)) throw new Error(`apt-get download did not produce ${path}`);
  const got = await sha256File(path);
  if (got !== d.sha256) throw new Error(`${path}: sha256 ${got}, the archive says ${d.sha256}`);
  return path;
}

/** Extracts only the members we need: a full dpkg -x of the kernel package writes ~400 MB. */
export async function extractMembers(deb: string, dir: string, patterns: string[]): Promise<void> {
  await run(
    'sh',
    ['-c', 'deb=$1; dir=$2; shift 2; dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards "$@"', 'sh', deb, dir, ...patterns],
    { maxBuffer: 16 << 20 },
  );
}


/** What the ramdisk digest records of a package: the same line means the same bytes. */
export function debLine(d: DebInfo): string {
  return `${d.pkg} ${d.version} ${d.arch} ${d.sha256}\n`;
}
