// The loaders DHCP points non-iPXE firmware at (BIOS: undionly.kpxe, UEFI: ipxe.efi) land in the boot root
// with the ramdisk, byte for byte what Debian's ipxe package ships.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installRamdisk } from '../../drivers/agent/ramdisk-build.js';
import { IPXE_LOADERS, IPXE_LOADER_DIR } from '../../drivers/ipxe/loaders.js';

describe('iPXE loaders', () => {
  it('are installed into the boot root with the ramdisk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ironplan-loaders-'));
    try {
      await writeFile(join(dir, 'k'), 'kernel');
      await writeFile(join(dir, 'i'), 'initrd');
      await installRamdisk({ kernel: join(dir, 'k'), initrd: join(dir, 'i') }, join(dir, 'boot'));
      for (const name of [IPXE_LOADERS.bios, IPXE_LOADERS.uefi]) {
        expect((await readFile(join(dir, 'boot', name))).equals(await readFile(join(IPXE_LOADER_DIR, name)))).toBe(true);
      }
      // ipxe.efi is a PE image (what UEFI firmware loads), undionly.kpxe is not.
      expect((await readFile(join(dir, 'boot', IPXE_LOADERS.uefi))).subarray(0, 2).toString('latin1')).toBe('MZ');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
