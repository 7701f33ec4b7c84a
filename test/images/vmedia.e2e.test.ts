// Slow end-to-end: the virtual-media ISO of the deploy ramdisk, built through the manager's contract
// function (as the redfish-virtual-media boot interface calls it), boots in QEMU from a CD with no DHCP
// reachable, under OVMF (UEFI, systemd-boot from the El Torito EFI image) and under SeaBIOS (isolinux):
// the agent starts, takes the static address from network_data and the API URL from the command line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRamdisk, installRamdisk } from '../../drivers/agent/ramdisk-build.js';
import { deployKernelArgs } from '../../drivers/ipxe/scripts.js';
import type { Task } from '../../drivers/types.js';
import { ManagerImages, VMEDIA_DIR } from '../../engine/images/service.js';
import { createDisk, destroyVm, powerOn, setBootDevice, waitForConsole, writeVmConfig } from '../../lab/vm.js';

const MAC = '52:54:00:0d:0e:01';
const API = 'http://10.0.2.2:6385';
let work: string;
let iso: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ironplan-vmedia-'));
  const ramdisk = await buildRamdisk({ cacheDir: process.env.IRONPLAN_RAMDISK_CACHE ?? join(tmpdir(), 'ironplan-ramdisk-cache') });
  const bootRoot = join(work, 'boot');
  await installRamdisk(ramdisk, bootRoot);
  const images = new ManagerImages({ bootRoot, apiUrl: API, bootUrl: 'http://10.0.2.2:8081' });
  const network_data = {
    links: [{ id: 'eth0', type: 'phy', ethernet_mac_address: MAC }],
    networks: [{ id: 'n0', link: 'eth0', type: 'ipv4', ip_address: '10.0.2.77', netmask: '255.255.255.0', gateway: '10.0.2.2' }],
    services: [{ type: 'dns', address: '10.0.2.3' }],
  };
  const task = {
    node: { uuid: '0b7ea0c6-5f0e-4d4e-9d53-6b1f3c1c2a10', name: 'vm1', instance_uuid: null, instance_info: { configdrive: { network_data } }, driver_info: {}, properties: {} },
  } as unknown as Task;
  const url = await images.virtualMediaIso(task, {
    kernel: 'deploy.vmlinuz',
    ramdisk: 'deploy.initrd.gz',
    kernelArgs: deployKernelArgs({ apiUrl: API, mac: MAC, bootId: 'vmedia-test' }),
    mac: MAC,
  });
  expect(url).toMatch(new RegExp(`^http://10\\.0\\.2\\.2:8081/boot/${VMEDIA_DIR}/${task.node.uuid}-[0-9a-f]{32}\\.iso$`));
  iso = join(bootRoot, url.replace('http://10.0.2.2:8081/boot/', ''));
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('virtual-media ISO (slow)', () => {
  for (const firmware of ['uefi', 'bios'] as const) {
    it(`boots from a CD under ${firmware === 'uefi' ? 'OVMF' : 'SeaBIOS'} and the agent starts with its static address, without DHCP`, async () => {
      const disk = join(work, `${firmware}.raw`);
      await createDisk(disk, 64 << 20);
      // restrict=on: the guest reaches nothing, not even QEMU's DHCP answers outside; the agent must not need them.
      const vm = await writeVmConfig({ stateDir: join(work, firmware), disk, mac: MAC, firmware, cdrom: iso, netdevOpts: 'restrict=on' });
      try {
        await setBootDevice(vm, 'cdrom');
        await powerOn(vm);
        const text = await waitForConsole(vm, /ironplan-agent: \[[0-9.]+\] api http:\/\/10\.0\.2\.2:6385/, { timeoutMs: 150_000 });
        expect(text).toContain('ironplan-agent: ');
        expect(text).toMatch(/address 10\.0\.2\.77\/24 \(static\)/);
        expect(text).toContain('ipa-boot-id=vmedia-test');
        expect(text).not.toContain('no DHCP answer');
      } finally {
        await destroyVm(vm);
      }
    }, 200_000);
  }
});
