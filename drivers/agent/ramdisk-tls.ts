// The deploy ramdisk's TLS client: Debian's curl and the shared libraries it loads, taken from the .debs of
// curl's dependency closure (not from the build host) and copied by their ELF NEEDED closure, the way dracut
// copies a binary with its ldd closure. Busybox wget cannot verify a certificate; curl checks it against the
// CA the ramdisk carries (--ca-file at build time, or ipa-api-ca= on the kernel command line).
import { X509Certificate } from 'node:crypto';
import { lstat, mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { aptShow, debInfo, run, type DebInfo } from './ramdisk-debs.js';
import type { CpioEntry } from './ramdisk-build.js';

export const TLS_CLIENT_PACKAGE = 'curl';
/** Where the libraries go in the initramfs: a directory Debian's ld.so searches without a cache. */
const LIB_DIR = 'lib/x86_64-linux-gnu';
const INTERP = 'ld-linux-x86-64.so.2';
/** Where the agent finds the CA baked in at build time. */
export const RAMDISK_CA_PATH = 'etc/ironplan/ca.pem';

/** curl and every package it depends on, recursively (Pre-Depends included), as the archive has them now. */
export async function tlsClientPackages(): Promise<DebInfo[]> {
  const { stdout } = await run(
    'apt-cache',
    ['depends', '--recurse', '--no-recommends', '--no-suggests', '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances', TLS_CLIENT_PACKAGE],
    { maxBuffer: 16 << 20 },
  );
  // Top-level lines are real packages; indented ones are the edges, <name> a virtual package.
  const names = [...new Set(stdout.split('\n').filter((l) => /^[a-z0-9]/.test(l)).map((l) => l.trim()))].sort();
  const records = await aptShow(names);
  return names.map((n) => debInfo(n, records));
}

/** The DT_NEEDED sonames of a 64-bit little-endian ELF file, read from its SHT_DYNAMIC section. */
export function elfNeeded(elf: Buffer, what: string): string[] {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) {
    throw new Error(`${what} is not a 64-bit little-endian ELF file`);
  }
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const section = (i: number) => {
    const o = shoff + i * shentsize;
    return { type: elf.readUInt32LE(o + 4), offset: Number(elf.readBigUInt64LE(o + 0x18)), size: Number(elf.readBigUInt64LE(o + 0x20)), link: elf.readUInt32LE(o + 0x28) };
  };
  const needed: string[] = [];
  for (let i = 0; i < elf.readUInt16LE(0x3c); i++) {
    const dyn = section(i);
    if (dyn.type !== 6) continue;
    const strtab = section(dyn.link).offset;
    for (let o = dyn.offset; o + 16 <= dyn.offset + dyn.size; o += 16) {
      const tag = elf.readBigUInt64LE(o);
      if (tag === 0n) break;
      if (tag !== 1n) continue;
      const start = strtab + Number(elf.readBigUInt64LE(o + 8));
      needed.push(elf.toString('latin1', start, elf.indexOf(0, start)));
    }
  }
  return needed;
}

/** Reads rel inside root, following symlinks (relative or absolute) within root, not into the build host. */
async function readInRoot(root: string, rel: string): Promise<Buffer | undefined> {
  let path = join(root, rel);
  for (let hops = 0; hops < 16; hops++) {
    const st = await lstat(path).catch(() => undefined);
    if (!st) return undefined;
    if (!st.isSymbolicLink()) return st.isFile() ? readFile(path) : undefined;
    const target = await readlink(path);
    path = target.startsWith('/') ? join(root, target) : join(dirname(path), target);
  }
  return undefined;
}

/**
 * Unpacks the .debs into work and returns the initramfs entries: /usr/bin/curl, the libraries it needs (its
 * NEEDED closure) and the program interpreter. Runs the copied set with its own ld.so on the build host, so a
 * library missing from the closure fails the build, not the deploy.
 */
export async function tlsClientEntries(debs: readonly string[], work: string, log: (m: string) => void): Promise<CpioEntry[]> {
  const root = join(work, 'tls-root');
  await mkdir(root, { recursive: true });
  for (const deb of debs) await run('dpkg-deb', ['-x', deb, root], { maxBuffer: 16 << 20 });
  const curl = await readInRoot(root, 'usr/bin/curl');
  if (!curl) throw new Error(`package ${TLS_CLIENT_PACKAGE} holds no /usr/bin/curl`);
  const libs = new Map<string, Buffer>();
  const queue = [INTERP, ...elfNeeded(curl, 'usr/bin/curl')];
  while (queue.length) {
    const soname = queue.shift()!;
    if (libs.has(soname)) continue;
    let data: Buffer | undefined;
    for (const dir of [LIB_DIR, `usr/${LIB_DIR}`]) data ??= await readInRoot(root, `${dir}/${soname}`);
    if (!data) throw new Error(`the ramdisk's ${TLS_CLIENT_PACKAGE} needs ${soname}, which no package of its dependency closure holds`);
    libs.set(soname, data);
    if (soname !== INTERP) queue.push(...elfNeeded(data, soname));
  }
  const check = join(work, 'tls-check');
  await mkdir(check, { recursive: true });
  for (const [soname, data] of libs) await writeFile(join(check, soname), data, { mode: 0o755 });
  await writeFile(join(check, 'curl'), curl, { mode: 0o755 });
  const { stdout } = await run(join(check, INTERP), ['--library-path', check, join(check, 'curl'), '--version']);
  log(`TLS client: ${stdout.split('\n')[0]} with ${libs.size} libraries`);

  const entries: CpioEntry[] = [{ path: 'usr/bin/curl', type: 'file', mode: 0o755, data: curl }];
  for (const [soname, data] of [...libs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    entries.push({ path: `${LIB_DIR}/${soname}`, type: 'file', mode: 0o755, data });
  }
  // The interpreter path every Debian x86-64 binary names (PT_INTERP).
  entries.push({ path: `lib64/${INTERP}`, type: 'symlink', mode: 0o777, target: `/${LIB_DIR}/${INTERP}` });
  return entries;
}

/** The certificates of a PEM CA file, each parsed (so a wrong file fails the build), rewritten as one bundle. */
export async function readCaBundle(path: string): Promise<Buffer> {
  const text = await readFile(path, 'utf8').catch((e: Error) => {
    throw new Error(`--ca-file ${path}: cannot read it (${e.message})`);
  });
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw new Error(`--ca-file ${path}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it`);
  blocks.forEach((b, i) => {
    try {
      new X509Certificate(b);
    } catch (e) {
      throw new Error(`--ca-file ${path}: certificate ${i + 1} does not parse (${(e as Error).message})`);
    }
  });
  return Buffer.from(blocks.join('\n') + '\n');
}
