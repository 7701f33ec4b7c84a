// A small bootable raw disk image for the lab, built without root: MBR + FAT16 partition at 1 MiB,
// syslinux (mtools variant), the deploy kernel and a tiny initramfs whose init prints a marker on
// the serial console and powers off. Booting it proves a deploy wrote a working disk.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildRamdisk, writeCpio, type CpioEntry } from '../drivers/agent/ramdisk-build.js';

const run = promisify(execFile);

const SECTOR = 512;
const PART_START_SECTOR = 2048;
const SYSLINUX_MBR = '/usr/lib/syslinux/mbr/mbr.bin';

export interface TestImageOptions {
  dir: string;
  /** Printed on the serial console by the deployed system; keep it to printable ASCII. */
  marker: string;
  /** Whole disk size; 32 MiB by default. */
  sizeMiB?: number;
  /** Kernel to install; defaults to the deploy kernel of the ramdisk cache. */
  kernel?: string;
  /** A static busybox for the tiny initramfs; defaults to the one kept in the ramdisk cache. */
  busybox?: string;
  /** Ramdisk cache to take the kernel and busybox from; defaults to <dir>/ramdisk-cache. */
  cacheDir?: string;
  /** File name of the image inside dir. */
  name?: string;
}

export interface TestImage {
  path: string;
  sha256: string;
  size: number;
}

function findTool(name: string): string {
  // mkfs.fat lives in /usr/sbin, which a non-root PATH often lacks.
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} not found (Debian packages: dosfstools, mtools, syslinux)`);
}

/** One bootable primary partition spanning the disk from PART_START_SECTOR, type FAT16 (LBA). */
function mbrPartitionTable(totalSectors: number, bootCode: Buffer): Buffer {
  const mbr = Buffer.alloc(SECTOR);
  bootCode.copy(mbr, 0, 0, Math.min(440, bootCode.length));
  const e = 446;
  mbr[e] = 0x80;
  // CHS fields are ignored by LBA-aware loaders; the conventional "beyond CHS" values.
  mbr.set([0xfe, 0xff, 0xff], e + 1);
  mbr[e + 4] = 0x0e;
  mbr.set([0xfe, 0xff, 0xff], e + 5);
  mbr.writeUInt32LE(PART_START_SECTOR, e + 8);
  mbr.writeUInt32LE(totalSectors - PART_START_SECTOR, e + 12);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  return mbr;
}

function markerInitramfs(busybox: Buffer, marker: string): Buffer {
  const init = [
    '#!/bin/sh',
    'mount -t proc proc /proc',
    `echo "${marker.replace(/["\\$`]/g, '')}"`,
    'sync',
    'poweroff -f',
    '',
  ].join('\n');
  const entries: CpioEntry[] = [
    { path: 'bin', type: 'dir', mode: 0o755 },
    { path: 'bin/busybox', type: 'file', mode: 0o755, data: busybox },
    ...['sh', 'echo', 'mount', 'sync', 'poweroff'].map(
      (a): CpioEntry => ({ path: `bin/${a}`, type: 'symlink', mode: 0o777, target: 'busybox' }),
    ),
    { path: 'dev', type: 'dir', mode: 0o755 },
    { path: 'dev/console', type: 'char', mode: 0o600, rdevMajor: 5, rdevMinor: 1 },
    { path: 'init', type: 'file', mode: 0o755, data: Buffer.from(init) },
    { path: 'proc', type: 'dir', mode: 0o755 },
  ];
  return gzipSync(writeCpio(entries), { level: 9 });
}

const SYSLINUX_CFG = [
  'SERIAL 0 115200',
  'DEFAULT instance',
  'PROMPT 0',
  'TIMEOUT 0',
  'LABEL instance',
  '  KERNEL vmlinuz',
  '  INITRD initrd.gz',
  '  APPEND console=ttyS0,115200 quiet panic=5',
  '',
].join('\r\n');

async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Builds the image; its sha256 differs on every build (FAT serial, timestamps), so it is returned. */
export async function buildTestImage(options: TestImageOptions): Promise<TestImage> {
  const { dir, marker } = options;
  const size = (options.sizeMiB ?? 32) * 1024 * 1024;
  await mkdir(dir, { recursive: true });
  let kernel = options.kernel;
  let busybox = options.busybox;
  if (!kernel || !busybox) {
    const rd = await buildRamdisk({ cacheDir: options.cacheDir ?? join(dir, 'ramdisk-cache') });
    kernel ??= rd.kernel;
    busybox ??= rd.busybox;
  }
  const path = join(dir, options.name ?? 'test-image.raw');
  const tmp = `${path}.tmp-${process.pid}`;
  const work = `${tmp}.d`;
  await mkdir(work, { recursive: true });
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.truncate(size);
      const bootCode = existsSync(SYSLINUX_MBR) ? await readFile(SYSLINUX_MBR) : Buffer.alloc(0);
      await fh.write(mbrPartitionTable(size / SECTOR, bootCode), 0, SECTOR, 0);
    } finally {
      await fh.close();
    }
    const partKiB = String((size - PART_START_SECTOR * SECTOR) / 1024);
    await run(findTool('mkfs.fat'), ['-F', '16', '-n', 'IRONPLAN', '--offset', String(PART_START_SECTOR), tmp, partKiB]);
    await run(findTool('syslinux'), ['--offset', String(PART_START_SECTOR * SECTOR), '--install', tmp]);
    await writeFile(join(work, 'initrd.gz'), markerInitramfs(await readFile(busybox), marker));
    await writeFile(join(work, 'syslinux.cfg'), SYSLINUX_CFG);
    const img = `${tmp}@@${PART_START_SECTOR * SECTOR}`;
    await run(findTool('mcopy'), ['-i', img, kernel, '::vmlinuz']);
    await run(findTool('mcopy'), ['-i', img, join(work, 'initrd.gz'), '::initrd.gz']);
    await run(findTool('mcopy'), ['-i', img, join(work, 'syslinux.cfg'), '::syslinux.cfg']);
    await rename(tmp, path);
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(tmp, { force: true });
  }
  return { path, sha256: await sha256File(path), size };
}
