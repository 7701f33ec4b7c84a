// Ironic's port groups (API 1.23; mode and properties 1.26; a node's and a group's lists, port
// portgroup_uuid 1.24), answered as Ironic 21.4 answers them: statuses and messages of its
// api/controllers/v1/portgroup.py and conductor's update_portgroup/destroy_portgroup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

let mac = 0x10;
const nextMac = () => `52:54:00:bb:00:${(mac++).toString(16).padStart(2, '0')}`;
const newNode = async (extra: Record<string, unknown> = {}) => (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', ...extra } })).body.uuid as string;

describe('port groups', () => {
  for (const version of ['1.23', 'latest']) {
    it(`create, show, list, update and delete at ${version}`, async () => {
      const call = (o: Parameters<Harness['call']>[0]) => h.call({ ...o, version });
      const node = await newNode();
      const address = nextMac().toUpperCase();
      const c = await call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, address, name: `bond-${version}`, extra: { a: 1 } } });
      expect(c.status).toBe(201);
      const uuid = c.body.uuid as string;
      expect(c.headers.location).toMatch(new RegExp(`/v1/portgroups/${uuid}$`));
      expect(c.body).toMatchObject({ node_uuid: node, address: address.toLowerCase(), name: `bond-${version}`, extra: { a: 1 }, internal_info: {}, standalone_ports_supported: true, updated_at: null });
      expect(c.body.ports).toEqual([
        { href: expect.stringMatching(new RegExp(`/v1/portgroups/${uuid}/ports$`)), rel: 'self' },
        { href: expect.stringMatching(new RegExp(`/portgroups/${uuid}/ports$`)), rel: 'bookmark' },
      ]);
      if (version === '1.23') expect(c.body).not.toHaveProperty('mode');
      else expect(c.body).toMatchObject({ mode: 'active-backup', properties: {} });

      // By UUID and by name.
      expect((await call({ method: 'GET', url: `/v1/portgroups/${uuid}` })).body.uuid).toBe(uuid);
      expect((await call({ method: 'GET', url: `/v1/portgroups/bond-${version}` })).body.uuid).toBe(uuid);
      const list = await call({ method: 'GET', url: `/v1/portgroups?node=${node}` });
      expect(list.body.portgroups).toEqual([{ uuid, address: address.toLowerCase(), name: `bond-${version}`, links: expect.any(Array) }]);
      expect((await call({ method: 'GET', url: '/v1/portgroups/detail' })).body.portgroups.find((x: any) => x.uuid === uuid)).toMatchObject({ extra: { a: 1 }, ports: expect.any(Array) });
      expect((await call({ method: 'GET', url: `/v1/portgroups?fields=uuid,extra&address=${address}` })).body.portgroups).toEqual([{ uuid, extra: { a: 1 }, links: expect.any(Array) }]);

      const p = await call({ method: 'PATCH', url: `/v1/portgroups/${uuid}`, payload: [{ op: 'replace', path: '/name', value: `renamed-${version}` }, { op: 'add', path: '/extra/b', value: 2 }, { op: 'replace', path: '/standalone_ports_supported', value: false }] });
      expect(p.status).toBe(200);
      expect(p.body).toMatchObject({ name: `renamed-${version}`, extra: { a: 1, b: 2 }, standalone_ports_supported: false });
      expect(p.body.updated_at).not.toBeNull();
      expect((await call({ method: 'PATCH', url: `/v1/portgroups/${uuid}`, payload: [{ op: 'remove', path: '/address' }] })).body.address).toBeNull();

      expect((await call({ method: 'DELETE', url: `/v1/portgroups/${uuid}` })).status).toBe(204);
      const gone = await call({ method: 'GET', url: `/v1/portgroups/${uuid}` });
      expect(gone.status).toBe(404);
      expect(fault(gone.body)).toBe(`Portgroup ${uuid} could not be found.`);
    });
  }

  it('has mode and properties from 1.26 (406 before), on create, PATCH and ?fields', async () => {
    const node = await newNode();
    expect((await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, mode: '802.3ad' }, version: '1.25' })).status).toBe(406);
    expect((await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, properties: { miimon: 100 } }, version: '1.25' })).status).toBe(406);
    const c = await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, mode: '802.3ad', properties: { miimon: 100 } }, version: '1.26' });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ mode: '802.3ad', properties: { miimon: 100 } });
    const uuid = c.body.uuid;
    expect((await h.call({ method: 'PATCH', url: `/v1/portgroups/${uuid}`, payload: [{ op: 'replace', path: '/mode', value: 'balance-rr' }], version: '1.25' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: `/v1/portgroups/${uuid}?fields=mode`, version: '1.25' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: `/v1/portgroups/${uuid}`, version: '1.25' })).body).not.toHaveProperty('properties');
    const removeMode = await h.call({ method: 'PATCH', url: `/v1/portgroups/${uuid}`, payload: [{ op: 'remove', path: '/mode' }] });
    expect(removeMode.status).toBe(400);
    expect(fault(removeMode.body)).toBe("'mode' is a mandatory attribute and can not be removed");
  });

  it('is 404 before 1.23; the node and group sub-resources and ?portgroup= from 1.24', async () => {
    const node = await newNode();
    expect((await h.call({ method: 'GET', url: '/v1/portgroups', version: '1.22' })).status).toBe(404);
    expect((await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node }, version: '1.22' })).status).toBe(404);
    const pg = (await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node } })).body.uuid;
    expect((await h.call({ method: 'DELETE', url: `/v1/portgroups/${pg}`, version: '1.22' })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}/portgroups`, version: '1.23' })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: `/v1/portgroups/${pg}/ports`, version: '1.23' })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: `/v1/ports?portgroup=${pg}`, version: '1.23' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}/portgroups`, version: '1.24' })).body.portgroups).toEqual([expect.objectContaining({ uuid: pg })]);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}/portgroups/detail`, version: '1.24' })).body.portgroups[0]).toHaveProperty('standalone_ports_supported');
    // The port's portgroup_uuid is a 1.24 field: 406 in a body before.
    expect((await h.call({ method: 'POST', url: '/v1/ports', payload: { node_uuid: node, address: nextMac(), portgroup_uuid: pg }, version: '1.23' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.23' })).body).toHaveProperty('portgroups');
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.22' })).body).not.toHaveProperty('portgroups');
  });

  it('has member ports: portgroup_uuid on create, PATCH and filters; a group with ports is not deleted', async () => {
    const node = await newNode();
    const other = await newNode();
    const pg = (await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, name: 'members' }, version: '1.24' })).body.uuid;
    const port = await h.call({ method: 'POST', url: '/v1/ports', payload: { node_uuid: node, address: nextMac(), portgroup_uuid: pg }, version: '1.24' });
    expect(port.status).toBe(201);
    expect(port.body.portgroup_uuid).toBe(pg);
    expect((await h.call({ method: 'GET', url: `/v1/ports/${port.body.uuid}`, version: '1.23' })).body).not.toHaveProperty('portgroup_uuid');
    expect((await h.call({ method: 'GET', url: `/v1/portgroups/${pg}/ports` })).body.ports).toEqual([{ uuid: port.body.uuid, address: port.body.address, links: expect.any(Array) }]);
    expect((await h.call({ method: 'GET', url: '/v1/portgroups/members/ports/detail' })).body.ports[0].portgroup_uuid).toBe(pg);
    expect((await h.call({ method: 'GET', url: `/v1/ports?portgroup=members` })).body.ports.map((p: any) => p.uuid)).toEqual([port.body.uuid]);

    const del = await h.call({ method: 'DELETE', url: `/v1/portgroups/${pg}` });
    expect(del.status).toBe(400);
    expect(fault(del.body)).toBe(`Cannot complete the requested action because portgroup ${pg} contains ports.`);
    const move = await h.call({ method: 'PATCH', url: `/v1/portgroups/${pg}`, payload: [{ op: 'replace', path: '/node_uuid', value: other }] });
    expect(move.status).toBe(400);
    expect(fault(move.body)).toContain('because there are ports associated with this portgroup');

    // A port joins only a group of its own node, that exists; a PXE port only one allowing standalone ports.
    const foreign = await h.call({ method: 'POST', url: '/v1/ports', payload: { node_uuid: other, address: nextMac(), portgroup_uuid: pg } });
    expect(foreign.status).toBe(400);
    expect(fault(foreign.body)).toBe('Port can not be added to a portgroup belonging to a different node.');
    expect((await h.call({ method: 'POST', url: '/v1/ports', payload: { node_uuid: node, address: nextMac(), portgroup_uuid: '33333333-3333-4333-8333-333333333333' } })).status).toBe(400);
    await h.call({ method: 'PATCH', url: `/v1/portgroups/${pg}`, payload: [{ op: 'replace', path: '/standalone_ports_supported', value: false }] });
    expect((await h.call({ method: 'POST', url: '/v1/ports', payload: { node_uuid: node, address: nextMac(), portgroup_uuid: pg, pxe_enabled: true } })).status).toBe(409);

    const out = await h.call({ method: 'PATCH', url: `/v1/ports/${port.body.uuid}`, payload: [{ op: 'remove', path: '/portgroup_uuid' }] });
    expect(out.status).toBe(200);
    expect(out.body.portgroup_uuid).toBeNull();
    expect((await h.call({ method: 'PATCH', url: `/v1/ports/${port.body.uuid}`, payload: [{ op: 'replace', path: '/portgroup_uuid', value: pg }] })).body.portgroup_uuid).toBe(pg);
    await h.call({ method: 'PATCH', url: `/v1/ports/${port.body.uuid}`, payload: [{ op: 'replace', path: '/portgroup_uuid', value: null }] });
    expect((await h.call({ method: 'DELETE', url: `/v1/portgroups/${pg}` })).status).toBe(204);
  });

  it('refuses bodies, names, idents and duplicates as Ironic does', async () => {
    const node = await newNode();
    const unknown = await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, foo: 1 } });
    expect(unknown.status).toBe(400);
    expect(fault(unknown.body)).toContain("'foo' was unexpected");
    expect((await h.call({ method: 'POST', url: '/v1/portgroups', payload: {} })).status).toBe(400);
    const noNode = await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: '44444444-4444-4444-8444-444444444444' } });
    expect(noNode.status).toBe(400);
    expect(fault(noNode.body)).toBe('Node 44444444-4444-4444-8444-444444444444 could not be found.');
    const badName = await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, name: 'a b' } });
    expect(badName.status).toBe(400);
    expect(fault(badName.body)).toBe("Cannot create portgroup with invalid name 'a b'");
    expect((await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, address: 'not-a-mac' } })).status).toBe(400);

    const address = nextMac();
    const first = await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, name: 'dup', address } });
    expect(first.status).toBe(201);
    const sameName = await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, name: 'dup' } });
    expect(sameName.status).toBe(409);
    expect(fault(sameName.body)).toBe('A portgroup with name dup already exists.');
    const sameMac = await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, address: address.toUpperCase() } });
    expect(sameMac.status).toBe(409);
    expect(fault(sameMac.body)).toBe(`A portgroup with MAC address ${address} already exists.`);
    expect((await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node, uuid: first.body.uuid } })).status).toBe(409);
    const second = await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node } });
    expect((await h.call({ method: 'PATCH', url: `/v1/portgroups/${second.body.uuid}`, payload: [{ op: 'replace', path: '/name', value: 'dup' }] })).status).toBe(409);

    const badPatch = await h.call({ method: 'PATCH', url: `/v1/portgroups/${first.body.uuid}`, payload: [{ op: 'replace', path: '/internal_info', value: {} }] });
    expect(badPatch.status).toBe(400);
    expect(fault(badPatch.body)).toContain('Cannot patch /internal_info.');
    expect((await h.call({ method: 'GET', url: '/v1/portgroups/a%20b' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/portgroups?fields=nonsense' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/portgroups?sort_key=extra' })).status).toBe(400);
  });

  it("refuses changes while the node is locked (409) and moves a group only to a node not in use", async () => {
    const node = await newNode();
    const pg = (await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node } })).body.uuid;
    await h.engine.store.transaction(async (tx) => {
      const n = await tx.getNode(node);
      await tx.updateNode(n.uuid, n.version, { reservation: 'other-host:1:x' }, n);
    });
    expect((await h.call({ method: 'PATCH', url: `/v1/portgroups/${pg}`, payload: [{ op: 'add', path: '/extra/x', value: 1 }] })).status).toBe(409);
    expect((await h.call({ method: 'DELETE', url: `/v1/portgroups/${pg}` })).status).toBe(409);
    await h.engine.store.transaction(async (tx) => {
      const n = await tx.getNode(node);
      await tx.updateNode(n.uuid, n.version, { reservation: null }, n);
    });
    // A node created at the latest version is in enroll: a group may move to it; an available one may not.
    const enroll = await newNode();
    expect((await h.call({ method: 'PATCH', url: `/v1/portgroups/${pg}`, payload: [{ op: 'replace', path: '/node_uuid', value: enroll }] })).body.node_uuid).toBe(enroll);
    const available = (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware' }, version: '1.10' })).body.uuid;
    expect((await h.call({ method: 'PATCH', url: `/v1/portgroups/${pg}`, payload: [{ op: 'replace', path: '/node_uuid', value: available }] })).status).toBe(409);
    // Deleting a node deletes its port groups, as Ironic does.
    expect((await h.call({ method: 'DELETE', url: `/v1/nodes/${enroll}` })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/portgroups/${pg}` })).status).toBe(404);
  });
});
