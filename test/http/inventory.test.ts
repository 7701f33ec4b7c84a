// The node inventory (API 1.81): what the last inspection found, kept in Ironic's layout and answered at
// GET /v1/nodes/{node}/inventory as {inventory, plugin_data}; 404 for a node never inspected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, waitFor, type Harness } from './helpers.js';
import { MAX_VERSION, since } from '../../engine/http/versions-table.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

const PXE_INFO = { deploy_kernel: 'http://127.0.0.1:1/k', deploy_ramdisk: 'http://127.0.0.1:1/r' };
const V = since('endpoint', 'v1', '/v1/nodes/{node}/inventory');

describe('node inventory', () => {
  it('keeps what the agent reported in band, replacing the previous inspection', async () => {
    const c = h.engine.conductor;
    const n = await c.createNode({ name: 'inv', driver: 'fake-hardware', interfaces: { inspect: 'agent', boot: 'ipxe' }, driver_info: PXE_INFO });
    await c.createPort({ node_uuid: n.uuid, address: '52:54:00:77:00:01' });
    await (await c.provision('inv', 'manage')).done;
    expect(await h.engine.store.findInventory(n.uuid)).toBeUndefined();
    for (const cpus of [2, 8]) {
      await (await c.provision('inv', 'inspect')).done;
      const { agent_token } = await c.lookup({ addresses: ['52:54:00:77:00:01'] });
      // The first heartbeat gets the inspect command, the next carries what the agent found.
      await c.heartbeat(n.uuid, { agent_token: agent_token!, agent_status: 'ready' });
      await c.heartbeat(n.uuid, { agent_token: agent_token!, agent_status: 'inspected', cpus, memory_mb: 4096, local_gb: 20, cpu_arch: 'aarch64' });
      await waitFor(h, 'inv', (x) => x.provision_state === 'manageable' && x.reservation === null);
    }
    expect(await h.engine.store.findInventory(n.uuid)).toEqual({
      inventory: { cpu: { count: 8, architecture: 'aarch64' }, memory: { physical_mb: 4096 }, interfaces: [] },
      plugin_data: { local_gb: 20 },
    });
    if (V <= MAX_VERSION) {
      const r = await h.call({ method: 'GET', url: '/v1/nodes/inv/inventory', version: `1.${V}` });
      expect(r.status).toBe(200);
      expect(r.body.inventory.cpu).toEqual({ count: 8, architecture: 'aarch64' });
    }
    // Deleting the node deletes its inventory (no orphan row).
    await c.deleteNode('inv');
    expect(await h.engine.store.findInventory(n.uuid)).toBeUndefined();
  });

  it('is 404 below 1.81, and 404 in Ironic\'s words for a node never inspected', async () => {
    await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'never' } });
    expect((await h.call({ method: 'GET', url: '/v1/nodes/never/inventory', version: `1.${Math.min(V, MAX_VERSION + 1) - 1}` })).status).toBe(404);
    if (V > MAX_VERSION) return;
    const r = await h.call({ method: 'GET', url: '/v1/nodes/never/inventory', version: `1.${V}` });
    expect(r.status).toBe(404);
    expect(fault(r.body)).toMatch(/^Node inventory for node [0-9a-f-]{36} could not be found\.$/);
  });

  it('continue_inspection (1.84): a ramdisk posts Ironic\'s inventory; the inspection finishes and keeps it whole', async () => {
    const c = h.engine.conductor;
    const n = await c.createNode({ name: 'ci', driver: 'fake-hardware', interfaces: { inspect: 'agent', boot: 'ipxe' }, driver_info: PXE_INFO });
    await c.createPort({ node_uuid: n.uuid, address: '52:54:00:77:00:09' });
    await (await c.provision('ci', 'manage')).done;
    const post = (payload: unknown) => h.call({ method: 'POST', url: '/v1/continue_inspection', payload, version: null });
    const inventory = {
      interfaces: [{ name: 'eth0', mac_address: '52:54:00:77:00:09' }],
      cpu: { count: 16, architecture: 'x86_64' },
      memory: { physical_mb: 65536 },
      disks: [{ name: '/dev/sda', size: 100 * 2 ** 30 }, { name: '/dev/sdb', size: 500 * 2 ** 30 + 5 }],
    };
    // Not waiting for an inspection ramdisk: 404.
    expect((await post({ inventory })).status).toBe(404);
    await (await c.provision('ci', 'inspect')).done;
    const noMacs = await post({ inventory: { interfaces: [] } });
    expect(noMacs.status).toBe(400);
    expect(fault(noMacs.body)).toContain('interfaces');
    const partial = await post({ inventory: { interfaces: inventory.interfaces, cpu: { count: 2 } } });
    expect(partial.status).toBe(400);
    expect(fault(partial.body)).toContain('cpu.count, cpu.architecture, memory.physical_mb and disks[].size are needed');
    expect((await h.engine.nodes.getNode('ci')).provision_state).toBe('inspect wait');

    const r = await post({ inventory, root_disk: { name: '/dev/sdb' } });
    expect(r.status).toBe(202);
    expect(r.body.node.uuid).toBe(n.uuid);
    expect(r.body.config.agent_token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const done = await waitFor(h, 'ci', (x) => x.provision_state === 'manageable' && x.reservation === null);
    expect(done.properties).toEqual({ cpus: 16, memory_mb: 65536, local_gb: 500, cpu_arch: 'x86_64' });
    expect(await h.engine.store.findInventory(n.uuid)).toEqual({ inventory, plugin_data: { root_disk: { name: '/dev/sdb' } } });
    // The inspection is over: the same post finds no node waiting.
    expect((await post({ inventory })).status).toBe(404);
  });
});
