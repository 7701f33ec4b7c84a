// A bootable virtual-media ISO for the deploy ramdisk (what a BMC inserts as a virtual CD): the deploy
// kernel, its initramfs and the agent's settings on the kernel command line (API URL, node identity, a
// static address so no DHCP is needed). BIOS boots it through isolinux, UEFI through an El Torito EFI FAT
// image holding systemd-boot (\EFI\BOOT\BOOTX64.EFI) with the same kernel, initramfs and command line.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { DriverError } from '../../contract/types.js';

const run = promisify(execFile);

/** Debian packages isolinux, syslinux-common and systemd-boot-efi. */
export const ISOLINUX_BIN = '/usr/lib/ISOLINUX/isolinux.bin';
export const LDLINUX_C32 = '/usr/lib/syslinux/modules/bios/ldlinux.c32';
export const SYSTEMD_BOOT_EFI = '/usr/lib/systemd/boot/efi/systemd-bootx64.efi';

export interface VmediaIsoInput {
  kernel: string;
  initrd: string;
  /** The whole kernel command line (console, agent settings). */
  kernelArgs: string;
  out: string;
  /** Volume label; 32 characters at most. */
  label?: string;
}

/** A program's path; `packages` names where it comes from in the error. */
export function findTool(name: string, packages = 'dosfstools, mtools, xorriso'): string {
  // mkfs.fat lives in /usr/sbin, which a non-root PATH often lacks.
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new DriverError('ImageError', `${name} not found (Debian packages: ${packages})`);
}

function needs(path: string, pkg: string): void {
  if (!existsSync(path)) throw new DriverError('ImageError', `${path} is missing: install the Debian package ${pkg}`);
}

/** A command line safe inside isolinux.cfg and systemd-boot's entry: one line, printable. */
function oneLine(args: string): string {
  return args.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '').trim();
}

export async function buildVmediaIso(input: VmediaIsoInput): Promise<void> {
  needs(ISOLINUX_BIN, 'isolinux');
  needs(LDLINUX_C32, 'syslinux-common');
  needs(SYSTEMD_BOOT_EFI, 'systemd-boot-efi');
  const args = oneLine(input.kernelArgs);
  const work = await mkdtemp(join(dirname(input.out), '.vmedia-'));
  try {
    const root = join(work, 'iso');
    await mkdir(join(root, 'isolinux'), { recursive: true });
    await copyFile(input.kernel, join(root, 'vmlinuz'));
    await copyFile(input.initrd, join(root, 'initrd.gz'));
    await copyFile(ISOLINUX_BIN, join(root, 'isolinux', 'isolinux.bin'));
    await copyFile(LDLINUX_C32, join(root, 'isolinux', 'ldlinux.c32'));
    await writeFile(
      join(root, 'isolinux', 'isolinux.cfg'),
      ['SERIAL 0 115200', 'DEFAULT agent', 'PROMPT 0', 'TIMEOUT 0', 'LABEL agent', '  KERNEL /vmlinuz', '  INITRD /initrd.gz', `  APPEND ${args}`, ''].join('\n'),
    );

    // The EFI image is a FAT filesystem of its own: systemd-boot reads the kernel from the volume it was
    // loaded from, so the kernel and initramfs go in it too.
    const efi = join(root, 'efiboot.img');
    const payload = (await stat(input.kernel)).size + (await stat(input.initrd)).size + (await stat(SYSTEMD_BOOT_EFI)).size;
    const kib = Math.ceil((payload * 1.1) / 1024) + 1024;
    await run(findTool('mkfs.fat'), ['-C', '-n', 'IRONPLANEFI', efi, String(kib)]);
    const conf = join(work, 'conf');
    await mkdir(conf);
    await writeFile(join(conf, 'loader.conf'), 'default agent.conf\ntimeout 0\nconsole-mode keep\n');
    await writeFile(join(conf, 'agent.conf'), `title ironplan deploy agent\nlinux /vmlinuz\ninitrd /initrd.gz\noptions ${args}\n`);
    const m = (cmd: string, ...a: string[]) => run(findTool(cmd), ['-i', efi, ...a]);
    await m('mmd', '::EFI', '::EFI/BOOT', '::loader', '::loader/entries');
    await m('mcopy', SYSTEMD_BOOT_EFI, '::EFI/BOOT/BOOTX64.EFI');
    await m('mcopy', join(conf, 'loader.conf'), '::loader/loader.conf');
    await m('mcopy', join(conf, 'agent.conf'), '::loader/entries/agent.conf');
    await m('mcopy', input.kernel, '::vmlinuz');
    await m('mcopy', input.initrd, '::initrd.gz');

    const tmp = `${input.out}.tmp-${process.pid}`;
    await run(
      'xorriso',
      [
        '-as', 'mkisofs', '-quiet', '-o', tmp, '-V', (input.label ?? 'IRONPLAN_VMEDIA').slice(0, 32), '-J', '-r',
        '-b', 'isolinux/isolinux.bin', '-c', 'isolinux/boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
        '-eltorito-alt-boot', '-e', 'efiboot.img', '-no-emul-boot',
        root,
      ],
      { maxBuffer: 4 << 20 },
    );
    await rename(tmp, input.out);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface NetworkData {
  links?: Array<{ id?: string; ethernet_mac_address?: string }>;
  networks?: Array<{ link?: string; type?: string; ip_address?: string; netmask?: string; prefix?: number; gateway?: string; routes?: Array<{ network?: string; gateway?: string }> }>;
  services?: Array<{ type?: string; address?: string }>;
}

function prefixOf(netmask: string): number {
  return netmask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
}

/**
 * The agent's static address from OpenStack network_data: the IPv4 network of the link with `mac` (or the
 * first IPv4 one), as `ipa-ip=A/P ipa-gateway=G ipa-dns=D` kernel arguments; empty when there is none.
 */
export function staticNetworkArgs(networkData: unknown, mac?: string): string {
  const nd = (networkData ?? {}) as NetworkData;
  const link = mac ? nd.links?.find((l) => l.ethernet_mac_address?.toLowerCase() === mac.toLowerCase())?.id : undefined;
  const v4 = (nd.networks ?? []).filter((n) => n.type === 'ipv4' && n.ip_address);
  const net = (link ? v4.find((n) => n.link === link) : undefined) ?? v4[0];
  if (!net) return '';
  const prefix = net.prefix ?? (net.netmask ? prefixOf(net.netmask) : 24);
  const gateway = net.gateway ?? net.routes?.find((r) => r.network === '0.0.0.0')?.gateway;
  const dns = (nd.services ?? []).filter((s) => s.type === 'dns' && s.address).map((s) => s.address);
  return [`ipa-ip=${net.ip_address}/${prefix}`, gateway ? `ipa-gateway=${gateway}` : '', dns.length ? `ipa-dns=${dns.join(',')}` : ''].filter(Boolean).join(' ');
}
