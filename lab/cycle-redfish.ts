// The lab's cycle over Redfish virtual media (`npm run lab -- --redfish`): the VM is a UEFI QEMU machine
// (OVMF) whose BMC is the lab's Redfish BMC (HTTPS, sessions). Nothing boots from the network: no TFTP, no
// iPXE, no DHCP boot options, and the NIC has no boot ROM. The node uses the redfish-virtual-media boot
// interface: the manager builds the node's deploy ISO (the agent's identity and a static address from the
// node's network_data), the BMC inserts it, the VM boots it once from the virtual CD, the agent writes the
// qcow2 lab image (converted to raw by the manager) and its config drive, and the VM then boots from its
// disk in UEFI mode and prints the marker and the hostname it read from the config drive. The rest of the
// cycle (preparation, service, timings) is lab/cycle.ts's.
import { join } from 'node:path';
import { runLabCycle, LAB_VM_MEMORY_MB, type LabMachine, type LabMachineEnv, type LabOptions, type LabResult } from './cycle.js';
import { QemuMachine } from './redfish/qemu.js';
import { startRedfishBmc } from './redfish/server.js';
import type { VmLab } from './vm.js';

/** QEMU user networking: the guest's address, the host as the guest sees it, its DNS. */
export const GUEST_IP = '10.0.2.15';
const GUEST_GATEWAY = '10.0.2.2';
const GUEST_DNS = '10.0.2.3';

/** The node's network_data (OpenStack's format): the static address the deploy agent takes. */
export function labNetworkData(mac: string): Record<string, unknown> {
  return {
    links: [{ id: 'eth0', type: 'phy', ethernet_mac_address: mac }],
    networks: [{ id: 'lab', link: 'eth0', type: 'ipv4', ip_address: GUEST_IP, netmask: '255.255.255.0', gateway: GUEST_GATEWAY }],
    services: [{ type: 'dns', address: GUEST_DNS }],
  };
}

/** The Redfish BMC runs on the host: the guest's name for the host is its loopback there. */
const hostSide = (url: string): string => url.replace(`//${GUEST_GATEWAY}:`, '//127.0.0.1:');

/** A UEFI VM without network boot, behind the lab Redfish BMC. */
export async function redfishMachine(env: LabMachineEnv): Promise<LabMachine> {
  const stateDir = join(env.work, 'vm');
  const vm = { stateDir, disk: env.disk, mac: env.mac, firmware: env.firmware, memoryMb: LAB_VM_MEMORY_MB, consoleLog: join(stateDir, 'console.log') };
  const machine = new QemuMachine({ ...vm, nicBootRom: false, mediaUrl: hostSide });
  const bmc = await startRedfishBmc({ username: 'admin', password: env.password, machine });
  return {
    bmc: { address: bmc.address, port: Number(new URL(bmc.url).port), username: 'admin', password: env.password },
    // The console only: the Redfish BMC drives QEMU itself, there is no chassis program.
    vm: { config: vm, chassisControl: '', confPath: '' } satisfies VmLab,
    label: 'Redfish BMC (HTTPS) for a UEFI VM without network boot',
    node: {
      driver: 'redfish',
      boot_interface: 'redfish-virtual-media',
      driver_info: { redfish_address: bmc.address, redfish_username: 'admin', redfish_password: env.password, redfish_verify_ca: false },
    },
    // Through the config drive: node.network_data (which the ISO prefers) needs API 1.66, newer than ours.
    networkData: labNetworkData(env.mac),
    stop: () => bmc.close(),
  };
}

export type RedfishLabOptions = Omit<LabOptions, 'machine' | 'firmware' | 'qcow2' | 'split'>;

/** The virtual-media cycle: UEFI, a qcow2 image, a config drive (hostname `lab-redfish` unless given). */
export function runRedfishLabCycle(opts: RedfishLabOptions = {}): Promise<LabResult> {
  return runLabCycle({ hostname: 'lab-redfish', ...opts, machine: redfishMachine, firmware: 'uefi', qcow2: true });
}
