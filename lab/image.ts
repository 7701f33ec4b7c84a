// A small bootable raw disk image for the lab, built without root: MBR + FAT16 partition at 1 MiB,
// the deploy kernel and a tiny initramfs whose init prints a marker on the serial console and powers off.
// It boots with BIOS (syslinux, mtools variant) and with UEFI (systemd-boot as \EFI\BOOT\BOOTX64.EFI on
// the same FAT partition). Booting it proves a deploy wrote a working disk; before the marker, init prints
// `hostname=<name>` read from the config drive partition (ISO 9660 `config-2`) when the deploy wrote one.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildRamdisk, writeCpio, type CpioEntry } from '../drivers/agent/ramdisk-build.js';
import { sha256File } from '../drivers/agent/ramdisk-debs.js';
// The UEFI loader of the image is the one the virtual-media ISO uses (Debian package systemd-boot-efi).
import { SYSTEMD_BOOT_EFI, findTool as findToolIn } from '../engine/images/vmedia-iso.js';

const run = promisify(execFile);

const SECTOR = 512;
const PART_START_SECTOR = 2048;
const SYSLINUX_MBR = '/usr/lib/syslinux/mbr/mbr.bin';
/** What init loads to read the config drive: the virtio disk and ISO 9660 (modules in Debian's kernel). */
const IMAGE_MODULES = ['virtio_ring', 'virtio', 'virtio_pci_legacy_dev', 'virtio_pci_modern_dev', 'virtio_pci', 'virtio_blk', 'cdrom', 'isofs'];

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
  /** Directory of kernel modules (<name>.ko) matching the kernel; defaults to the ramdisk cache's. */
  modules?: string;
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

const findTool = (name: string): string => findToolIn(name, 'dosfstools, mtools, syslinux');

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

function markerInitramfs(busybox: Buffer, marker: string, modules: Map<string, Buffer>): Buffer {
  const init = [
    '#!/bin/sh',
    'mount -t proc proc /proc',
    'mount -t devtmpfs devtmpfs /dev',
    `for m in ${[...modules.keys()].join(' ')}; do insmod /lib/modules/$m.ko || echo "init: insmod $m failed"; done`,
    // The config drive is the partition the deploy added after the image (cloud-init looks for config-2).
    'i=0; while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done',
    'mkdir -p /cd',
    'for p in /dev/vda2 /dev/vda3 /dev/vda4; do [ -b $p ] && mount -t iso9660 -o ro $p /cd 2>/dev/null && break; done',
    'if [ -r /cd/openstack/latest/meta_data.json ]; then',
    '  echo "hostname=$(sed -n \'s/.*"hostname":"\\([^"]*\\)".*/\\1/p\' /cd/openstack/latest/meta_data.json)"',
    'else',
    '  echo "hostname=(no config drive; block devices: $(ls /dev | grep vd | tr \'\\n\' \' \'))"',
    'fi',
    `echo "${marker.replace(/["\\$`]/g, '')}"`,
    'sync',
    'poweroff -f',
    '',
  ].join('\n');
  const entries: CpioEntry[] = [
    { path: 'bin', type: 'dir', mode: 0o755 },
    { path: 'bin/busybox', type: 'file', mode: 0o755, data: busybox },
    ...['sh', 'echo', 'mount', 'sync', 'poweroff', 'insmod', 'sleep', 'mkdir', 'sed', 'ls', 'grep', 'tr'].map(
      (a): CpioEntry => ({ path: `bin/${a}`, type: 'symlink', mode: 0o777, target: 'busybox' }),
    ),
    { path: 'cd', type: 'dir', mode: 0o755 },
    { path: 'dev', type: 'dir', mode: 0o755 },
    { path: 'dev/console', type: 'char', mode: 0o600, rdevMajor: 5, rdevMinor: 1 },
    { path: 'init', type: 'file', mode: 0o755, data: Buffer.from(init) },
    { path: 'lib', type: 'dir', mode: 0o755 },
    { path: 'lib/modules', type: 'dir', mode: 0o755 },
    ...[...modules].map(([name, data]): CpioEntry => ({ path: `lib/modules/${name}.ko`, type: 'file', mode: 0o644, data })),
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

/** systemd-boot's configuration: boot the one entry at once, console on the serial port. */
const LOADER_CONF = 'default instance.conf\ntimeout 0\nconsole-mode keep\n';
const LOADER_ENTRY = 'title instance\nlinux /vmlinuz\ninitrd /initrd.gz\noptions console=ttyS0,115200 quiet panic=5\n';

/** Builds the image; its sha256 differs on every build (FAT serial, timestamps), so it is returned. */
export async function buildTestImage(options: TestImageOptions): Promise<TestImage> {
  const { dir, marker } = options;
  const size = (options.sizeMiB ?? 32) * 1024 * 1024;
  await mkdir(dir, { recursive: true });
  let kernel = options.kernel;
  let busybox = options.busybox;
  let modulesDir = options.modules;
  if (!kernel || !busybox || !modulesDir) {
    const rd = await buildRamdisk({ cacheDir: options.cacheDir ?? join(dir, 'ramdisk-cache') });
    kernel ??= rd.kernel;
    busybox ??= rd.busybox;
    modulesDir ??= rd.modules;
  }
  const modules = new Map<string, Buffer>();
  for (const m of IMAGE_MODULES) modules.set(m, await readFile(join(modulesDir, `${m}.ko`)));
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
    await writeFile(join(work, 'initrd.gz'), markerInitramfs(await readFile(busybox), marker, modules));
    await writeFile(join(work, 'syslinux.cfg'), SYSLINUX_CFG);
    await writeFile(join(work, 'loader.conf'), LOADER_CONF);
    await writeFile(join(work, 'instance.conf'), LOADER_ENTRY);
    const img = `${tmp}@@${PART_START_SECTOR * SECTOR}`;
    const mcopy = (src: string, dst: string) => run(findTool('mcopy'), ['-i', img, src, dst]);
    await mcopy(kernel, '::vmlinuz');
    await mcopy(join(work, 'initrd.gz'), '::initrd.gz');
    await mcopy(join(work, 'syslinux.cfg'), '::syslinux.cfg');
    if (existsSync(SYSTEMD_BOOT_EFI)) {
      await run(findTool('mmd'), ['-i', img, '::EFI', '::EFI/BOOT', '::loader', '::loader/entries']);
      await mcopy(SYSTEMD_BOOT_EFI, '::EFI/BOOT/BOOTX64.EFI');
      await mcopy(join(work, 'loader.conf'), '::loader/loader.conf');
      await mcopy(join(work, 'instance.conf'), '::loader/entries/instance.conf');
    }
    await rename(tmp, path);
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(tmp, { force: true });
  }
  return { path, sha256: await sha256File(path), size };
}
