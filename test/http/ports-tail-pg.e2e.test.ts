// 0009_ports_tail on a real PostgreSQL 15: port names unique (the 409 names the name, a MAC conflict still
// the MAC), local_link_connection and is_smartnic stored, and a node's inventory kept and replaced.
import { describe, expect, it } from 'vitest';
import { hasPostgres } from '../engine/pg.js';
import { pgHarness } from './pg-harness.js';

describe.skipIf(!hasPostgres)('later port fields and inventory on PostgreSQL (slow)', () => {
  const harness = pgHarness();

  it('keeps names unique and says which key a conflict broke', async () => {
    const h = harness();
    const node = (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware' } })).body.uuid;
    const m = h.engine.manager;
    const link = { port_id: 'rep0', hostname: 'dpu' };
    const a = await m.createPort({ node_uuid: node, address: '52:54:00:99:00:01', name: 'pa', is_smartnic: true, local_link_connection: link });
    expect((await h.call({ method: 'GET', url: `/v1/ports/${a.uuid}` })).body).toMatchObject({ is_smartnic: true, local_link_connection: link });
    await expect(m.createPort({ node_uuid: node, address: '52:54:00:99:00:02', name: 'pa' })).rejects.toMatchObject({ code: 'Conflict', message: 'A port with name pa already exists.' });
    await expect(m.createPort({ node_uuid: node, address: '52:54:00:99:00:01', name: 'pb' })).rejects.toMatchObject({ code: 'Conflict', message: 'A port with MAC address 52:54:00:99:00:01 already exists.' });
    // Any number of unnamed ports.
    await m.createPort({ node_uuid: node, address: '52:54:00:99:00:03' });
    await m.createPort({ node_uuid: node, address: '52:54:00:99:00:04' });
    expect((await h.engine.nodes.listPorts({ name: 'pa' })).map((p) => p.uuid)).toEqual([a.uuid]);

    await h.engine.store.putInventory(node, { inventory: { cpu: { count: 1 } }, plugin_data: {} });
    await h.engine.store.putInventory(node, { inventory: { cpu: { count: 2 } }, plugin_data: { x: 1 } });
    expect(await h.engine.store.findInventory(node)).toEqual({ inventory: { cpu: { count: 2 } }, plugin_data: { x: 1 } });
  });
});
