// The lab's Redfish BMC on its own (as sushy-emulator runs): `node dist/lab/redfish/main.js [--port N]
// [--user U --password P] [--http] [--vm DIR --disk FILE --mac MAC [--bootfile URL] [--uefi] [--no-nic-rom]]`.
// Without --vm the system is in memory; with it, a QEMU VM whose state lives in DIR (--uefi: OVMF;
// --no-nic-rom: the NIC cannot network-boot, virtual media only). Prints the address and runs until
// interrupted. The password is read from the REDFISH_LAB_PASSWORD environment variable when not given.
import { parseArgs } from 'node:util';
import { QemuMachine } from './qemu.js';
import { startRedfishBmc } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    user: { type: 'string', default: 'admin' },
    password: { type: 'string' },
    http: { type: 'boolean', default: false },
    vm: { type: 'string' },
    disk: { type: 'string' },
    mac: { type: 'string', default: '52:54:00:12:34:56' },
    bootfile: { type: 'string' },
    uefi: { type: 'boolean', default: false },
    'no-nic-rom': { type: 'boolean', default: false },
  },
});

if (values.vm && !values.disk) {
  process.stderr.write('redfish-lab: --vm needs --disk (a raw disk image)\n');
  process.exit(2);
}
const machine = values.vm ? new QemuMachine({ stateDir: values.vm, disk: values.disk!, mac: values.mac!, bootfile: values.bootfile, firmware: values.uefi ? 'uefi' : 'bios', nicBootRom: !values['no-nic-rom'] }) : undefined;
const bmc = await startRedfishBmc({
  port: Number(values.port),
  username: values.user,
  password: values.password ?? process.env.REDFISH_LAB_PASSWORD ?? 'password',
  http: values.http,
  machine,
});
process.stdout.write(`redfish-lab: ${bmc.url}/redfish/v1 (system ${bmc.paths.system}, ${machine ? `QEMU VM in ${values.vm}` : 'in-memory system'})\n`);
const stop = () => void bmc.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
