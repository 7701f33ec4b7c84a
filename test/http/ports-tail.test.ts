// The later port fields (Smart NICs 1.53, local_link_connection with network_type 1.64, names 1.88) and
// VIF attachment to a named port or group (1.67), with Ironic 21.4's statuses and words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, type Harness } from './helpers.js';
import { MAX_VERSION, since } from '../../engine/http/versions-table.js';

let h: Harness;
let node: string;
beforeAll(async () => {
  h = await startHarness();
  node = (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'tail' } })).body.uuid;
});
afterAll(async () => h.close());

let mac = 0x10;
const nextMac = () => `52:54:00:ee:00:${(mac++).toString(16).padStart(2, '0')}`;
const at = (v: number) => `1.${v}`;
const createPort = (payload: Record<string, unknown>, version = 'latest') => h.call({ method: 'POST', url: '/v1/ports', payload: { node_uuid: node, address: nextMac(), ...payload }, version });
const patchPort = (uuid: string, ops: unknown[], version = 'latest') => h.call({ method: 'PATCH', url: `/v1/ports/${uuid}`, payload: ops, version });

describe('local_link_connection', () => {
  it('stores a switch port, its switch_id lower-cased, and shows it', async () => {
    const link = { switch_id: 'AA:BB:CC:DD:EE:FF', port_id: 'Ethernet1/7', switch_info: 'tor-3' };
    const r = await createPort({ local_link_connection: link });
    expect(r.status).toBe(201);
    expect(r.body.local_link_connection).toEqual({ ...link, switch_id: 'aa:bb:cc:dd:ee:ff' });
    expect((await h.call({ method: 'GET', url: `/v1/ports/${r.body.uuid}` })).body.local_link_connection).toEqual({ ...link, switch_id: 'aa:bb:cc:dd:ee:ff' });
    // An OpenFlow datapath_id is a switch_id too.
    const p = await patchPort(r.body.uuid, [{ op: 'replace', path: '/local_link_connection/switch_id', value: '0000AABBCCDDEEFF' }]);
    expect(p.status).toBe(200);
    expect(p.body.local_link_connection.switch_id).toBe('0000aabbccddeeff');
    const removed = await patchPort(r.body.uuid, [{ op: 'remove', path: '/local_link_connection' }]);
    expect(removed.body.local_link_connection).toEqual({});
  });

  it.each([
    [{ switch_id: 'aa:bb:cc:dd:ee:ff' }, 'Schema error for local_link_connection'],
    [{ switch_id: 'aa:bb:cc:dd:ee:ff', port_id: 'p1', vlan: 3 }, "additional property 'vlan'"],
    [{ switch_id: 'aa:bb:cc:dd:ee:ff', port_id: 7 }, "port_id: 7 is not of type 'string'"],
    [{ switch_id: 'switch-7', port_id: 'p1' }, 'Expected a MAC address or OpenFlow datapath ID but received switch-7.'],
    [{ network_type: 'flat' }, "network_type: 'flat' is not one of ['managed', 'unmanaged']"],
  ])('refuses %j (400), writing nothing', async (link, words) => {
    const address = nextMac();
    const r = await createPort({ address, local_link_connection: link });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toContain(words);
    expect((await h.call({ method: 'GET', url: `/v1/ports?address=${address}` })).body.ports).toEqual([]);
  });

  it('takes network_type from 1.64 (406 below), "unmanaged" alone', async () => {
    const v = since('behaviour', 'node', 'port-network-type');
    expect(v).toBe(64);
    expect((await createPort({ local_link_connection: { network_type: 'unmanaged' } }, at(v - 1))).status).toBe(406);
    const r = await createPort({ local_link_connection: { network_type: 'unmanaged' } }, at(v));
    expect(r.status).toBe(201);
    expect(r.body.local_link_connection).toEqual({ network_type: 'unmanaged' });
  });
});

describe('is_smartnic (1.53)', () => {
  it('is hidden and refused below 1.53, shown false by default from it', async () => {
    const r = await createPort({}, '1.52');
    expect(r.status).toBe(201);
    expect(r.body).not.toHaveProperty('is_smartnic');
    expect((await h.call({ method: 'GET', url: `/v1/ports/${r.body.uuid}`, version: '1.53' })).body.is_smartnic).toBe(false);
    expect((await createPort({ is_smartnic: true }, '1.52')).status).toBe(406);
  });

  it('needs port_id and hostname in a local_link_connection given on create, as Ironic 21.4 checks it', async () => {
    const linked = await createPort({ is_smartnic: true, local_link_connection: { switch_id: 'aa:bb:cc:dd:ee:ff', port_id: 'p1' } });
    expect(linked.status).toBe(400);
    expect(fault(linked.body)).toBe('Smart NIC port must have port_id and hostname in local_link_connection');
    // Without a link, or on PATCH, Ironic 21.4 does not check it (bench/compat: port-create-smartnic-bare).
    expect((await createPort({ is_smartnic: true })).status).toBe(201);
    const r = await createPort({ is_smartnic: true, local_link_connection: { port_id: 'rep0-0', hostname: 'dpu-host' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ is_smartnic: true, local_link_connection: { port_id: 'rep0-0', hostname: 'dpu-host' } });
    const plain = await patchPort(r.body.uuid, [{ op: 'replace', path: '/is_smartnic', value: false }]);
    expect(plain.body.is_smartnic).toBe(false);
    expect((await patchPort(r.body.uuid, [{ op: 'replace', path: '/is_smartnic', value: 'maybe' }])).status).toBe(400);
  });
});

describe('port names (1.88)', () => {
  it('are refused below 1.88 (406)', async () => {
    const v = since('field', 'port', 'name');
    expect((await createPort({ name: 'eth0' }, at(Math.min(v, MAX_VERSION + 1) - 1))).status).toBe(406);
  });

  it('are unique among ports: the manager refuses a second one with 409, naming the name', async () => {
    const a = await h.engine.manager.createPort({ node_uuid: node, address: nextMac(), name: 'uplink-a' });
    expect(a.name).toBe('uplink-a');
    await expect(h.engine.manager.createPort({ node_uuid: node, address: nextMac(), name: 'uplink-a' })).rejects.toMatchObject({ code: 'Conflict', message: 'A port with name uplink-a already exists.' });
    const b = await h.engine.manager.createPort({ node_uuid: node, address: nextMac() });
    await expect(h.engine.manager.updatePort(b.uuid, { name: 'uplink-a' })).rejects.toMatchObject({ code: 'Conflict' });
    // A MAC address conflict still says so.
    await expect(h.engine.manager.createPort({ node_uuid: node, address: a.address, name: 'uplink-c' })).rejects.toMatchObject({ message: `A port with MAC address ${a.address} already exists.` });
    expect((await h.engine.manager.updatePort(b.uuid, { name: 'uplink-b' })).name).toBe('uplink-b');
    expect((await h.engine.nodes.listPorts({ name: 'uplink-b' })).map((p) => p.uuid)).toEqual([b.uuid]);
  });

  it.runIf(since('field', 'port', 'name') <= MAX_VERSION)('are shown, and name a port in the URL', async () => {
    const r = await createPort({ name: 'mgmt0' });
    expect(r.status).toBe(201);
    expect((await h.call({ method: 'GET', url: '/v1/ports/mgmt0' })).body.uuid).toBe(r.body.uuid);
    expect((await createPort({ name: 'mgmt0' })).status).toBe(409);
    expect((await createPort({ name: 'bad name' })).status).toBe(400);
    expect((await h.call({ method: 'DELETE', url: '/v1/ports/mgmt0' })).status).toBe(204);
  });
});

describe('VIF attachment to a given port or group (1.67)', () => {
  const VIF = 'bbbbbbbb-0000-4000-8000-000000000001';
  const VIF2 = 'bbbbbbbb-0000-4000-8000-000000000002';
  const attach = (n: string, body: Record<string, unknown>, version = 'latest') => h.call({ method: 'POST', url: `/v1/nodes/${n}/vifs`, payload: body, version });

  it('records the VIF on the named port, not the one Ironic would pick', async () => {
    const n = (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware' } })).body.uuid;
    const pxe = (await createPort({ node_uuid: n })).body.uuid;
    const other = (await createPort({ node_uuid: n, pxe_enabled: false })).body.uuid;
    expect((await attach(n, { id: VIF, port_uuid: other })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/ports/${other}` })).body.internal_info).toEqual({ tenant_vif_port_id: VIF });
    expect((await h.call({ method: 'GET', url: `/v1/ports/${pxe}` })).body.internal_info).toEqual({});
    // The named port is taken: no free port for a second VIF there (400, Ironic's words).
    const taken = await attach(n, { id: VIF2, port_uuid: other });
    expect(taken.status).toBe(400);
    expect(fault(taken.body)).toBe(`Unable to attach VIF ${VIF2}, not enough free physical ports.`);
  });

  it('names a port group: only that group', async () => {
    const n = (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware' } })).body.uuid;
    const group = (await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: n, address: nextMac() } })).body.uuid;
    await createPort({ node_uuid: n });
    const free = await attach(n, { id: VIF, portgroup_uuid: group });
    expect(free.status).toBe(400);
    await createPort({ node_uuid: n, portgroup_uuid: group });
    expect((await attach(n, { id: VIF, portgroup_uuid: group })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/portgroups/${group}` })).body.internal_info).toEqual({ tenant_vif_port_id: VIF });
  });

  it.runIf(since('behaviour', 'node', 'vif-port-uuid') <= MAX_VERSION)('refuses both at once from 1.67 (400)', async () => {
    const r = await attach(node, { id: VIF, port_uuid: VIF, portgroup_uuid: VIF });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toBe('Cannot specify both port_uuid and portgroup_uuid');
  });
});

describe('BIOS registry queries (1.74)', () => {
  it('refuses ?detail and ?fields below 1.74 (400, Ironic\'s words) and both at once; the list is empty', async () => {
    const v = since('behaviour', 'node', 'bios-registry');
    const get = (q: string, version: string) => h.call({ method: 'GET', url: `/v1/nodes/tail/bios${q}`, version });
    const below = await get('?detail=true', at(v - 1));
    expect(below.status).toBe(400);
    expect(fault(below.body)).toBe('Invalid query parameter ?detail=true received.');
    expect(fault((await get('?fields=name', at(v - 1))).body)).toBe('Invalid query parameter ?fields=name received.');
    if (v > MAX_VERSION) return;
    expect((await get('?detail=true', at(v))).body).toEqual({ bios: [] });
    expect((await get('?fields=name,value', at(v))).body).toEqual({ bios: [] });
    const both = await get('?detail=true&fields=name', at(v));
    expect(fault(both.body)).toBe('Can not specify ?detail=True and fields in the same request.');
  });
});
