// Slow end-to-end: the emulated lab with UEFI firmware (OVMF). The node says boot_mode:uefi, so the BMC is
// asked for EFI boots; the VM network-boots the ramdisk through the NIC's EFI iPXE; the image is given as
// qcow2 (the manager verifies, converts and serves it raw) with a config drive, and the deployed system,
// booted by systemd-boot from its own disk, prints the hostname it read from the config-2 partition.
import { describe, expect, it } from 'vitest';
import { runLabCycle } from '../../lab/cycle.js';

describe('emulated lab, UEFI (slow)', () => {
  it('deploys a qcow2 image with a config drive to a UEFI VM; it boots from disk and reads its hostname from the config drive', async () => {
    const result = await runLabCycle({ firmware: 'uefi', qcow2: true, hostname: 'lab-uefi-1', keep: process.env.IRONPLAN_LAB_KEEP === '1', print: (l) => console.log(l) });
    expect(result.finalState).toBe('active');
    expect(result.hostname).toBe('lab-uefi-1');
    expect(result.cycleSeconds).toBeLessThan(180);
  }, 400_000);
});
