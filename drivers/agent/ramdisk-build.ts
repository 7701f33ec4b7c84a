// Builds the deploy ramdisk (Debian kernel + busybox-static initramfs with our agent) without root:
// packages come from `apt-get download`, the initramfs is written by our own cpio writer so that
// device nodes need no mknod and the archive is byte-for-byte reproducible.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageRoot } from '../../contract/paths.js';
import { installIpxeLoaders } from '../ipxe/loaders.js';
import { aptShow, debInfo, debLine, extractMembers, fetchDeb, run, sha256File, type DebInfo } from './ramdisk-debs.js';
import { RAMDISK_CA_PATH, readCaBundle, tlsClientEntries, tlsClientPackages } from './ramdisk-tls.js';

/** Bump when the layout of the initramfs changes, so old caches are rebuilt. */
const FORMAT = 'ironplan-ramdisk 3';

/** The virtio drivers are modules in Debian's kernel; init loads them in this order. */
export const RAMDISK_MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_legacy_dev',
  'virtio_pci_modern_dev',
  'virtio_pci',
  'failover',
  'net_failover',
  'virtio_net',
  'virtio_blk',
] as const;

/**
 * Kept beside the build (not in the initramfs) for small images that need them: the lab's test image reads
 * its config drive (ISO 9660, which needs cdrom) from a virtio disk.
 */
export const EXTRA_MODULES = ['cdrom', 'isofs'] as const;

const RAMDISK_SOURCES = ['init', 'agent.sh', 'configdrive.sh', 'udhcpc.script'] as const;

export interface RamdiskBuildOptions {
  /** Holds the downloaded .debs, the kernel and the initramfs between runs. */
  cacheDir: string;
  log?: (message: string) => void;
  /** Where init, agent.sh, configdrive.sh and udhcpc.script live; defaults to the ramdisk/ directory next to this module. */
  sourceDir?: string;
  /** A PEM file of the CA(s) the agent verifies an https API and image URLs with, baked in as /etc/ironplan/ca.pem. */
  caFile?: string;
}

export interface RamdiskArtifacts {
  kernel: string;
  initrd: string;
  /** The static busybox of the initramfs, for other small images (lab/image.ts). */
  busybox: string;
  /** Directory of <name>.ko: RAMDISK_MODULES and EXTRA_MODULES, for other small images. */
  modules: string;
  /** True when the cache already held a build of the same inputs. */
  reused: boolean;
}

export interface CpioEntry {
  /** Relative path, no leading slash. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'char';
  mode: number;
  data?: Buffer;
  target?: string;
  rdevMajor?: number;
  rdevMinor?: number;
}

const CPIO_TYPE = { file: 0o100000, dir: 0o040000, symlink: 0o120000, char: 0o020000 } as const;

/**
 * Writes a cpio "newc" archive (what the kernel unpacks as initramfs) with owner root, mtime 0 and
 * inode numbers in entry order, so the bytes depend only on the entries.
 */
export function writeCpio(entries: readonly CpioEntry[]): Buffer {
  const chunks: Buffer[] = [];
  const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  const put = (path: string, ino: number, mode: number, nlink: number, body: Buffer, rdev: [number, number]): void => {
    const name = Buffer.from(path + '\0');
    const fields = [ino, mode, 0, 0, nlink, 0, body.length, 0, 0, rdev[0], rdev[1], name.length, 0];
    const header = Buffer.from('070701' + fields.map(hex).join(''), 'ascii');
    chunks.push(header, name, pad4(header.length + name.length), body, pad4(body.length));
  };
  entries.forEach((e, i) => {
    const body = e.type === 'file' ? (e.data ?? Buffer.alloc(0)) : e.type === 'symlink' ? Buffer.from(e.target ?? '') : Buffer.alloc(0);
    put(e.path, i + 1, CPIO_TYPE[e.type] | (e.mode & 0o7777), e.type === 'dir' ? 2 : 1, body, [e.rdevMajor ?? 0, e.rdevMinor ?? 0]);
  });
  put('TRAILER!!!', 0, 0, 1, Buffer.alloc(0), [0, 0]);
  return Buffer.concat(chunks);
}

interface CacheManifest {
  digest: string;
  kernelPackage: string;
  initrdSha256: string;
}

/** The shell sources are not compiled into dist/: they are read from the package tree. */
export const RAMDISK_SOURCE_DIR = join(packageRoot, 'drivers', 'agent', 'ramdisk');

/** The kernel package linux-image-amd64 depends on, and busybox-static, as the archive has them now. */
async function resolvePackages(): Promise<[DebInfo, DebInfo]> {
  const first = await aptShow(['linux-image-amd64', 'busybox-static']);
  const meta = first.get('linux-image-amd64');
  const kernelName = meta && /^Depends:.*?\b(linux-image-[0-9][^\s,]*)/m.exec(meta)?.[1];
  if (!kernelName) throw new Error('cannot tell which kernel package linux-image-amd64 depends on');
  const kernel = debInfo(kernelName, await aptShow([kernelName]));
  return [kernel, debInfo('busybox-static', first)];
}

async function findFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  }
  return out.sort();
}

async function atomicWrite(path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

function addParents(entries: Map<string, CpioEntry>, path: string): void {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (!entries.has(dir)) entries.set(dir, { path: dir, type: 'dir', mode: 0o755 });
  }
}

async function assembleInitramfs(opts: {
  busybox: Buffer;
  applets: string[];
  modules: Map<string, Buffer>;
  sources: Map<string, Buffer>;
  /** curl, its libraries and the CA bundle (if any). */
  extra: CpioEntry[];
}): Promise<Buffer> {
  const entries = new Map<string, CpioEntry>();
  const add = (e: CpioEntry): void => {
    addParents(entries, e.path);
    entries.set(e.path, e);
  };
  for (const d of ['dev', 'etc', 'proc', 'sys', 'run', 'root', 'mnt', 'var', 'bin', 'sbin', 'usr/bin', 'usr/sbin']) {
    add({ path: d, type: 'dir', mode: 0o755 });
  }
  add({ path: 'tmp', type: 'dir', mode: 0o1777 });
  // The kernel opens /dev/console before /init runs, before devtmpfs is mounted.
  add({ path: 'dev/console', type: 'char', mode: 0o600, rdevMajor: 5, rdevMinor: 1 });
  add({ path: 'bin/busybox', type: 'file', mode: 0o755, data: opts.busybox });
  for (const applet of opts.applets) {
    if (applet === 'bin/busybox' || applet === 'init' || applet === 'linuxrc') continue;
    add({ path: applet, type: 'symlink', mode: 0o777, target: '/bin/busybox' });
  }
  add({ path: 'init', type: 'file', mode: 0o755, data: opts.sources.get('init')! });
  add({ path: 'bin/agent.sh', type: 'file', mode: 0o755, data: opts.sources.get('agent.sh')! });
  add({ path: 'bin/configdrive.sh', type: 'file', mode: 0o644, data: opts.sources.get('configdrive.sh')! });
  add({ path: 'usr/share/udhcpc/default.script', type: 'file', mode: 0o755, data: opts.sources.get('udhcpc.script')! });
  for (const [name, data] of opts.modules) add({ path: `lib/modules/${name}.ko`, type: 'file', mode: 0o644, data });
  for (const e of opts.extra) add(e);
  const sorted = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return gzipSync(writeCpio(sorted), { level: 9 });
}

/**
 * Builds (or reuses) the deploy kernel and initramfs in cacheDir. The same packages and agent
 * sources give the same initramfs bytes, so its sha256 can be pinned.
 */
export async function buildRamdisk(options: RamdiskBuildOptions): Promise<RamdiskArtifacts> {
  const log = options.log ?? (() => {});
  const cacheDir = options.cacheDir;
  const sourceDir = options.sourceDir ?? RAMDISK_SOURCE_DIR;
  const debDir = join(cacheDir, 'debs');
  await mkdir(debDir, { recursive: true });

  const [kernelPkg, busyboxPkg] = await resolvePackages();
  const tlsPkgs = await tlsClientPackages();
  const ca = options.caFile ? await readCaBundle(options.caFile) : undefined;
  const sources = new Map<string, Buffer>();
  for (const name of RAMDISK_SOURCES) sources.set(name, await readFile(join(sourceDir, name)));

  const h = createHash('sha256').update(FORMAT + '\n');
  for (const d of [kernelPkg, busyboxPkg, ...tlsPkgs]) h.update(debLine(d));
  for (const [name, data] of sources) h.update(`${name} ${createHash('sha256').update(data).digest('hex')}\n`);
  h.update(`modules ${[...RAMDISK_MODULES, ...EXTRA_MODULES].join(' ')}\n`);
  h.update(`ca ${ca ? createHash('sha256').update(ca).digest('hex') : 'none'}\n`);
  const digest = h.digest('hex');

  const kernel = join(cacheDir, 'vmlinuz');
  const initrd = join(cacheDir, 'initrd.gz');
  const busybox = join(cacheDir, 'busybox');
  const modulesDir = join(cacheDir, 'modules');
  const manifestPath = join(cacheDir, 'ramdisk.json');
  if (existsSync(manifestPath) && existsSync(kernel) && existsSync(initrd) && existsSync(busybox) && existsSync(modulesDir)) {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as CacheManifest;
    if (manifest.digest === digest && (await sha256File(initrd)) === manifest.initrdSha256) {
      log(`ramdisk cache ${cacheDir} is up to date`);
      return { kernel, initrd, busybox, modules: modulesDir, reused: true };
    }
  }

  const [kernelDeb, busyboxDeb] = await Promise.all([fetchDeb(kernelPkg, debDir, log), fetchDeb(busyboxPkg, debDir, log)]);
  const tlsDebs: string[] = [];
  for (const d of tlsPkgs) tlsDebs.push(await fetchDeb(d, debDir, log));
  const work = await mkdtemp(join(cacheDir, 'extract-'));
  try {
    log(`extracting ${kernelPkg.pkg} and busybox-static`);
    await Promise.all([
      extractMembers(kernelDeb, work, ['./boot/vmlinuz-*', ...[...RAMDISK_MODULES, ...EXTRA_MODULES].map((m) => `*/${m}.ko*`)]),
      extractMembers(busyboxDeb, work, ['./bin/busybox']),
    ]);
    const files = await findFiles(work);
    const vmlinuz = files.find((f) => /\/boot\/vmlinuz-/.test(f));
    if (!vmlinuz) throw new Error(`${kernelDeb} holds no /boot/vmlinuz-*`);
    const modules = new Map<string, Buffer>();
    for (const m of [...RAMDISK_MODULES, ...EXTRA_MODULES]) {
      const path = files.find((f) => f.endsWith(`/${m}.ko`));
      if (!path) {
        const compressed = files.find((f) => f.includes(`/${m}.ko.`));
        throw new Error(
          compressed
            ? `module ${m} is compressed (${compressed}); busybox insmod needs plain .ko`
            : `module ${m}.ko not found in ${kernelDeb}`,
        );
      }
      modules.set(m, await readFile(path));
    }
    const busyboxPath = join(work, 'bin', 'busybox');
    // busybox-static runs on the build host too: it lists its own applets.
    const { stdout } = await run(busyboxPath, ['--list-full']);
    const applets = stdout.split('\n').map((s) => s.trim()).filter(Boolean).sort();

    const initramfsModules = new Map(RAMDISK_MODULES.map((m) => [m, modules.get(m)!]));
    const extra = await tlsClientEntries(tlsDebs, work, log);
    if (ca) extra.push({ path: RAMDISK_CA_PATH, type: 'file', mode: 0o644, data: ca });
    const image = await assembleInitramfs({ busybox: await readFile(busyboxPath), applets, modules: initramfsModules, sources, extra });
    await mkdir(modulesDir, { recursive: true });
    for (const [name, data] of modules) await atomicWrite(join(modulesDir, `${name}.ko`), data);
    await atomicWrite(kernel, await readFile(vmlinuz));
    await atomicWrite(initrd, image);
    await atomicWrite(busybox, await readFile(busyboxPath));
    await chmod(busybox, 0o755);
    const manifest: CacheManifest = {
      digest,
      kernelPackage: `${kernelPkg.pkg} ${kernelPkg.version}`,
      initrdSha256: createHash('sha256').update(image).digest('hex'),
    };
    await atomicWrite(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    log(`ramdisk built: ${kernel} (${kernelPkg.pkg}), ${initrd} (${image.length} bytes, sha256 ${manifest.initrdSha256})`);
    return { kernel, initrd, busybox, modules: modulesDir, reused: false };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Copies the built ramdisk into a boot root under the given names (what driver_info refers to), with the
 * iPXE loaders BIOS and UEFI machines are pointed at by DHCP when installed (Debian package ipxe).
 */
export async function installRamdisk(
  artifacts: Pick<RamdiskArtifacts, 'kernel' | 'initrd'>,
  bootRoot: string,
  names: { kernel: string; initrd: string } = { kernel: 'deploy.vmlinuz', initrd: 'deploy.initrd.gz' },
): Promise<{ kernel: string; initrd: string }> {
  await mkdir(bootRoot, { recursive: true });
  const kernel = join(bootRoot, names.kernel);
  const initrd = join(bootRoot, names.initrd);
  await copyFile(artifacts.kernel, `${kernel}.tmp-${process.pid}`);
  await rename(`${kernel}.tmp-${process.pid}`, kernel);
  await copyFile(artifacts.initrd, `${initrd}.tmp-${process.pid}`);
  await rename(`${initrd}.tmp-${process.pid}`, initrd);
  await installIpxeLoaders(bootRoot);
  return { kernel, initrd };
}
