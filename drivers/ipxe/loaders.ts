// The network boot programs DHCP hands firmware that is not iPXE yet: undionly.kpxe to BIOS PXE ROMs,
// ipxe.efi to UEFI clients (DHCP option 93, client-arch 7 or 9). Both then fetch boot.ipxe. Debian's
// `ipxe` package ships them; they are copied into the boot root so the TFTP (and HTTP) server has them.
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const IPXE_LOADER_DIR = '/usr/lib/ipxe';
/** Boot root file names, by the firmware that loads them. */
export const IPXE_LOADERS = { bios: 'undionly.kpxe', uefi: 'ipxe.efi' } as const;

/** Copies the loaders that are installed into bootRoot; returns the names copied. */
export async function installIpxeLoaders(bootRoot: string, from = IPXE_LOADER_DIR): Promise<string[]> {
  const copied: string[] = [];
  await mkdir(bootRoot, { recursive: true });
  for (const name of Object.values(IPXE_LOADERS)) {
    const src = join(from, name);
    if (!existsSync(src)) continue;
    const tmp = join(bootRoot, `${name}.tmp-${process.pid}`);
    await copyFile(src, tmp);
    await rename(tmp, join(bootRoot, name));
    copied.push(name);
  }
  return copied;
}
