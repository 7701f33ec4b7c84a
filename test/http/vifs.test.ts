// VIFs (API 1.28) with ironplan's network bookkeeping: a VIF is recorded on a free port or port group of
// the node (internal_info.tenant_vif_port_id), chosen as Ironic's flat network chooses (groups first, then
// PXE-enabled ports); statuses and messages are Ironic 21.4's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

let mac = 0x10;
const nextMac = () => `52:54:00:dd:00:${(mac++).toString(16).padStart(2, '0')}`;
const VIF1 = 'aaaaaaaa-0000-4000-8000-000000000001';
const VIF2 = 'aaaaaaaa-0000-4000-8000-000000000002';
const VIF3 = 'aaaaaaaa-0000-4000-8000-000000000003';

const newNode = async () => (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware' } })).body.uuid as string;
const port = async (node: string, extra: Record<string, unknown> = {}) => (await h.call({ method: 'POST', url: '/v1/ports', payload: { node_uuid: node, address: nextMac(), ...extra } })).body.uuid as string;
const attach = (node: string, id: unknown, version = 'latest') => h.call({ method: 'POST', url: `/v1/nodes/${node}/vifs`, payload: { id }, version });
const list = async (node: string, version = 'latest') => (await h.call({ method: 'GET', url: `/v1/nodes/${node}/vifs`, version })).body.vifs;

describe('VIFs', () => {
  for (const version of ['1.28', 'latest']) {
    it(`attach, list and detach at ${version}`, async () => {
      const node = await newNode();
      const p = await port(node);
      expect(await list(node, version)).toEqual([]);
      expect((await attach(node, VIF1, version)).status).toBe(204);
      expect(await list(node, version)).toEqual([{ id: VIF1 }]);
      const shown = await h.call({ method: 'GET', url: `/v1/ports/${p}`, version });
      expect(shown.body.internal_info).toEqual({ tenant_vif_port_id: VIF1 });
      // By node name too.
      await h.call({ method: 'PATCH', url: `/v1/nodes/${node}`, payload: [{ op: 'add', path: '/name', value: `vif-${version}` }] });
      expect((await h.call({ method: 'DELETE', url: `/v1/nodes/vif-${version}/vifs/${VIF1}`, version })).status).toBe(204);
      expect(await list(node, version)).toEqual([]);
      expect((await h.call({ method: 'GET', url: `/v1/ports/${p}`, version })).body.internal_info).toEqual({});
    });
  }

  it('is 404 before 1.28', async () => {
    const node = await newNode();
    await port(node);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}/vifs`, version: '1.27' })).status).toBe(404);
    expect((await attach(node, VIF1, '1.27')).status).toBe(404);
    expect((await h.call({ method: 'DELETE', url: `/v1/nodes/${node}/vifs/${VIF1}`, version: '1.27' })).status).toBe(404);
    expect(await list(node)).toEqual([]);
  });

  it('uses a port group before ports and a PXE-enabled port before others; refuses when none is free', async () => {
    const node = await newNode();
    const plain = await port(node, { pxe_enabled: false });
    const pxe = await port(node);
    const pg = (await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node } })).body.uuid;
    const empty = (await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node } })).body.uuid;
    const member = await port(node, { portgroup_uuid: pg, pxe_enabled: false });
    expect((await attach(node, VIF1)).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/portgroups/${pg}` })).body.internal_info).toEqual({ tenant_vif_port_id: VIF1 });
    expect((await attach(node, VIF2)).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/ports/${pxe}` })).body.internal_info).toEqual({ tenant_vif_port_id: VIF2 });
    expect((await attach(node, VIF3)).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/ports/${plain}` })).body.internal_info).toEqual({ tenant_vif_port_id: VIF3 });
    // The empty group and the member port (its group has the VIF) are not free.
    expect((await h.call({ method: 'GET', url: `/v1/portgroups/${empty}` })).body.internal_info).toEqual({});
    expect((await h.call({ method: 'GET', url: `/v1/ports/${member}` })).body.internal_info).toEqual({});
    expect((await list(node)).map((v: any) => v.id).sort()).toEqual([VIF1, VIF2, VIF3]);

    const full = await attach(node, 'aaaaaaaa-0000-4000-8000-000000000004');
    expect(full.status).toBe(400);
    expect(fault(full.body)).toBe('Unable to attach VIF aaaaaaaa-0000-4000-8000-000000000004, not enough free physical ports.');
    const again = await attach(node, VIF2);
    expect(again.status).toBe(409);
    expect(fault(again.body)).toBe(`Unable to attach VIF because VIF ${VIF2} is already attached to Ironic Port ${pxe}`);
    // A port's internal_info is the network's: not patched by clients.
    expect((await h.call({ method: 'PATCH', url: `/v1/ports/${pxe}`, payload: [{ op: 'replace', path: '/internal_info', value: {} }] })).status).toBe(400);
    expect((await h.call({ method: 'DELETE', url: `/v1/nodes/${node}/vifs/${VIF1}` })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/portgroups/${pg}` })).body.internal_info).toEqual({});
  });

  it('answers bad bodies, unknown nodes and VIFs, and locked nodes as Ironic does', async () => {
    const node = await newNode();
    expect(fault((await attach(node, VIF1)).body)).toBe(`Unable to attach VIF ${VIF1}, not enough free physical ports.`);
    await port(node);
    expect((await h.call({ method: 'POST', url: `/v1/nodes/${node}/vifs`, payload: {} })).status).toBe(400);
    expect((await attach(node, 42)).status).toBe(400);
    expect((await attach(node, 'not a name')).status).toBe(400);
    expect((await attach('bbbbbbbb-0000-4000-8000-000000000000', VIF1)).status).toBe(404);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/bbbbbbbb-0000-4000-8000-000000000000/vifs' })).status).toBe(404);
    const notAttached = await h.call({ method: 'DELETE', url: `/v1/nodes/${node}/vifs/${VIF1}` });
    expect(notAttached.status).toBe(400);
    expect(fault(notAttached.body)).toBe(`Unable to detach VIF ${VIF1} from node ${node} because it is not attached to it.`);
    // A name is an acceptable VIF id (Ironic's uuid_or_name).
    expect((await attach(node, 'tenant-net-1')).status).toBe(204);
    expect(await list(node)).toEqual([{ id: 'tenant-net-1' }]);

    await h.engine.store.transaction(async (tx) => {
      const n = await tx.getNode(node);
      await tx.updateNode(n.uuid, n.version, { reservation: 'other-host:1:x' }, n);
    });
    expect((await attach(node, VIF2)).status).toBe(409);
    expect((await h.call({ method: 'DELETE', url: `/v1/nodes/${node}/vifs/tenant-net-1` })).status).toBe(409);
    // Listing needs no lock.
    expect(await list(node)).toEqual([{ id: 'tenant-net-1' }]);
  });
});
