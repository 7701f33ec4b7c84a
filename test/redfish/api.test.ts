// A redfish node through the HTTP API (the engine the `serve` command runs, on a real SQLite file) and the
// lab's Redfish BMC: enroll, manage (verified with the BMC), power on, out-of-band inspection that records
// the properties and creates the ports; the password never comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, waitFor, type Harness } from '../http/helpers.js';
import { startRedfishBmc, type RedfishBmc } from '../../lab/redfish/server.js';
import type { FakeMachine } from '../../lab/redfish/machine.js';
import { PASSWORD, USERNAME, driverInfoFor } from './helpers.js';

let h: Harness;
let bmc: RedfishBmc;
beforeAll(async () => {
  bmc = await startRedfishBmc({ username: USERNAME, password: PASSWORD, profile: { inventory: { processors: [{ Id: 'CPU1', TotalCores: 2, TotalThreads: 4, InstructionSet: 'x86-64' }], memoryGiB: 8, dimmsMiB: [8192], disksBytes: [64 * 1024 ** 3, 16 * 1024 ** 3], macs: ['52:54:00:aa:00:01', '52:54:00:aa:00:02'] } } });
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  await bmc.close();
});

describe('redfish node through the API', () => {
  it('enrolls, manages, powers on and shows power_state; the password is masked', async () => {
    const created = await h.call({ method: 'POST', url: '/v1/nodes', payload: { name: 'rf-1', driver: 'redfish', driver_info: driverInfoFor(bmc) } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ power_interface: 'redfish', management_interface: 'redfish', inspect_interface: 'redfish' });
    expect(JSON.stringify(created.body)).not.toContain(PASSWORD);
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/rf-1/states/provision', payload: { target: 'manage' } })).status).toBe(202);
    await waitFor(h, 'rf-1', (n) => n.provision_state === 'manageable' && n.power_state === 'power off');
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/rf-1/states/power', payload: { target: 'power on' } })).status).toBe(202);
    await waitFor(h, 'rf-1', (n) => n.power_state === 'power on' && n.target_power_state === null);
    expect((bmc.machine as FakeMachine).state).toBe('On');
  });

  it('sets the boot device through the API, UEFI HTTP included', async () => {
    const put = await h.call({ method: 'PUT', url: '/v1/nodes/rf-1/management/boot_device', payload: { boot_device: 'uefihttp', persistent: true } });
    expect(put.status).toBe(204);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/rf-1/management/boot_device' })).body).toEqual({ boot_device: 'uefihttp', persistent: true });
    expect((await h.call({ method: 'GET', url: '/v1/nodes/rf-1/management/boot_device/supported' })).body.supported_boot_devices).toEqual(['pxe', 'disk', 'cdrom', 'bios', 'uefihttp']);
    await h.call({ method: 'PUT', url: '/v1/nodes/rf-1/management/boot_device', payload: { boot_device: 'disk', persistent: true } });
  });

  it('soft power off and soft rebooting through the API (GracefulShutdown, then On)', async () => {
    const machine = bmc.machine as FakeMachine;
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/rf-1/states/power', payload: { target: 'soft rebooting', timeout: 10 } })).status).toBe(202);
    await waitFor(h, 'rf-1', (n) => n.power_state === 'power on' && n.target_power_state === null && n.reservation === null);
    expect(machine.history.slice(-2).map((r) => r.type)).toEqual(['GracefulShutdown', 'On']);
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/rf-1/states/power', payload: { target: 'soft power off' } })).status).toBe(202);
    await waitFor(h, 'rf-1', (n) => n.power_state === 'power off' && n.target_power_state === null && n.reservation === null);
    expect(machine.state).toBe('Off');
  });

  it('inspects out of band: properties recorded and a port per NIC', async () => {
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/rf-1/states/provision', payload: { target: 'inspect' } })).status).toBe(202);
    const node = await waitFor(h, 'rf-1', (n) => n.provision_state === 'manageable' && n.reservation === null);
    expect(node.properties).toMatchObject({ cpus: 4, memory_mb: 8192, local_gb: 64, cpu_arch: 'x86_64' });
    // Kept as the node's inventory (API 1.81), in Ironic's layout, the BMC's NICs included.
    expect(await h.engine.store.findInventory(node.uuid)).toEqual({
      inventory: { cpu: { count: 4, architecture: 'x86_64' }, memory: { physical_mb: 8192 }, interfaces: [{ mac_address: '52:54:00:aa:00:01' }, { mac_address: '52:54:00:aa:00:02' }] },
      plugin_data: { local_gb: 64 },
    });
    const ports = await h.call({ method: 'GET', url: `/v1/ports?node_uuid=${node.uuid}` });
    expect(ports.body.ports.map((p: { address: string }) => p.address).sort()).toEqual(['52:54:00:aa:00:01', '52:54:00:aa:00:02']);
    // Inspecting again adds no second port for the same MAC.
    await h.call({ method: 'PUT', url: '/v1/nodes/rf-1/states/provision', payload: { target: 'inspect' } });
    await waitFor(h, 'rf-1', (n) => n.provision_state === 'manageable' && n.reservation === null);
    expect((await h.call({ method: 'GET', url: `/v1/ports?node_uuid=${node.uuid}` })).body.ports).toHaveLength(2);
  });

  it('inspecting a second node on the same NICs leaves their ports where they are', async () => {
    await h.call({ method: 'POST', url: '/v1/nodes', payload: { name: 'rf-2', driver: 'redfish', driver_info: driverInfoFor(bmc) } });
    await h.call({ method: 'PUT', url: '/v1/nodes/rf-2/states/provision', payload: { target: 'manage' } });
    await waitFor(h, 'rf-2', (n) => n.provision_state === 'manageable' && n.reservation === null);
    await h.call({ method: 'PUT', url: '/v1/nodes/rf-2/states/provision', payload: { target: 'inspect' } });
    const node = await waitFor(h, 'rf-2', (n) => n.provision_state === 'manageable' && n.reservation === null);
    expect(node.last_error).toBeNull();
    expect(node.properties).toMatchObject({ cpus: 4, memory_mb: 8192 });
    expect((await h.call({ method: 'GET', url: `/v1/ports?node_uuid=${node.uuid}` })).body.ports).toHaveLength(0);
  });

  it('a wrong password fails the power change with a clear last_error', async () => {
    await h.call({ method: 'POST', url: '/v1/nodes', payload: { name: 'rf-bad', driver: 'redfish', driver_info: driverInfoFor(bmc, { redfish_password: 'wrong-one-123' }) } });
    await h.call({ method: 'PUT', url: '/v1/nodes/rf-bad/states/power', payload: { target: 'power on' } });
    const node = await waitFor(h, 'rf-bad', (n) => n.last_error !== null && n.reservation === null);
    expect(node.last_error).toMatch(/rejected the credentials of user "admin"/);
    expect(node.last_error).not.toContain('wrong-one-123');
  });

  it('a node booting its ramdisk from virtual media validates its deploy_iso, or asks for deploy_kernel without one', async () => {
    const r = await h.call({ method: 'POST', url: '/v1/nodes', payload: { name: 'rf-vm', driver: 'redfish', boot_interface: 'redfish-virtual-media', driver_info: driverInfoFor(bmc, { deploy_iso: 'https://images.example/deploy.iso' }) } });
    expect(r.status).toBe(201);
    expect(r.body.boot_interface).toBe('redfish-virtual-media');
    const v = await h.call({ method: 'GET', url: '/v1/nodes/rf-vm/validate' });
    expect(v.body.boot).toEqual({ result: true, reason: null });
    await h.call({ method: 'POST', url: '/v1/nodes', payload: { name: 'rf-vm2', driver: 'redfish', boot_interface: 'redfish-virtual-media', driver_info: driverInfoFor(bmc) } });
    const bad = await h.call({ method: 'GET', url: '/v1/nodes/rf-vm2/validate' });
    expect(bad.body.boot).toMatchObject({ result: false, reason: expect.stringContaining('driver_info.deploy_kernel is required') });
  });

  it('refuses a redfish node without redfish_address, naming the field', async () => {
    const r = await h.call({ method: 'POST', url: '/v1/nodes', payload: { name: 'rf-none', driver: 'redfish', driver_info: { redfish_username: 'x' } } });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toContain('driver_info.redfish_address');
  });
});
