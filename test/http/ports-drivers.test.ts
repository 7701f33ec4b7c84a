import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, type Harness } from './helpers.js';

let h: Harness;
let nodeUuid: string;
beforeAll(async () => {
  h = await startHarness();
  nodeUuid = (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'pn' } })).body.uuid;
  await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'other' } });
});
afterAll(async () => h.close());

const createPort = (payload: Record<string, unknown>) => h.call({ method: 'POST', url: '/v1/ports', payload });

describe('ports', () => {
  it('creates a port (201, lower-cased MAC, Location) on a node by uuid or name', async () => {
    const r = await createPort({ address: '52:54:00:AA:BB:01', node_uuid: nodeUuid, extra: { slot: 1 } });
    expect(r.status).toBe(201);
    expect(r.headers.location).toMatch(new RegExp(`/v1/ports/${r.body.uuid}$`));
    expect(r.body).toMatchObject({ address: '52:54:00:aa:bb:01', node_uuid: nodeUuid, pxe_enabled: true, extra: { slot: 1 }, physical_network: null, local_link_connection: {} });
    expect((await createPort({ address: '52:54:00:aa:bb:02', node_uuid: 'pn', pxe_enabled: false })).status).toBe(201);
    expect((await createPort({ address: '52:54:00:aa:bb:03', node_uuid: 'other' })).status).toBe(201);
  });

  it.each([
    [{ address: 'not-a-mac', node_uuid: 'pn' }, 400],
    [{ address: '52:54:00:aa:bb:09' }, 400],
    [{ address: '52:54:00:aa:bb:09', node_uuid: 'ghost' }, 404],
    [{ address: '52:54:00:aa:bb:01', node_uuid: 'pn' }, 409],
    [{ address: '52:54:00:aa:bb:09', node_uuid: 'pn', physical_network: 'physnet1' }, 400],
    [{ address: '52:54:00:aa:bb:09', node_uuid: 'pn', colour: 'red' }, 400],
  ])('refuses %j with %i', async (payload, status) => {
    expect((await createPort(payload)).status).toBe(status);
  });

  it('names a prototype key in the body as an unknown attribute', async () => {
    const r = await h.call({ method: 'POST', url: '/v1/ports', payload: '{"address":"52:54:00:aa:bb:0a","node_uuid":"pn","toString":1}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toBe('Unknown attribute for argument port: toString');
  });

  it('lists short, detail, by node (name or uuid), by address and under the node', async () => {
    const all = await h.call({ method: 'GET', url: '/v1/ports' });
    expect(all.body.ports).toHaveLength(3);
    expect(Object.keys(all.body.ports[0]).sort()).toEqual(['address', 'links', 'uuid']);
    const detail = await h.call({ method: 'GET', url: '/v1/ports/detail?node=pn' });
    expect(detail.body.ports).toHaveLength(2);
    expect(detail.body.ports[0].node_uuid).toBe(nodeUuid);
    expect((await h.call({ method: 'GET', url: `/v1/ports?node_uuid=${nodeUuid}` })).body.ports).toHaveLength(2);
    expect((await h.call({ method: 'GET', url: '/v1/ports?address=52:54:00:AA:BB:03' })).body.ports).toHaveLength(1);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/pn/ports' })).body.ports).toHaveLength(2);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/pn/ports/detail' })).body.ports[0].pxe_enabled).toBeTypeOf('boolean');
    const fields = await h.call({ method: 'GET', url: '/v1/ports?fields=uuid,pxe_enabled' });
    expect(Object.keys(fields.body.ports[0]).sort()).toEqual(['links', 'pxe_enabled', 'uuid']);
  });

  it('pages and sorts', async () => {
    const p1 = await h.call({ method: 'GET', url: '/v1/ports?limit=2' });
    expect(p1.body.ports).toHaveLength(2);
    const next = new URL(p1.body.next);
    expect((await h.call({ method: 'GET', url: next.pathname + next.search })).body.ports).toHaveLength(1);
    const byAddr = await h.call({ method: 'GET', url: '/v1/ports?sort_key=address&sort_dir=desc' });
    expect(byAddr.body.ports.map((p: any) => p.address)).toEqual(['52:54:00:aa:bb:03', '52:54:00:aa:bb:02', '52:54:00:aa:bb:01']);
    expect((await h.call({ method: 'GET', url: '/v1/ports?sort_key=colour' })).status).toBe(400);
  });

  it('shows, patches and deletes a port', async () => {
    const [port] = (await h.call({ method: 'GET', url: '/v1/ports?address=52:54:00:aa:bb:02' })).body.ports;
    expect((await h.call({ method: 'GET', url: `/v1/ports/${port.uuid}` })).body.address).toBe('52:54:00:aa:bb:02');
    const p = await h.call({ method: 'PATCH', url: `/v1/ports/${port.uuid}`, payload: [
      { op: 'replace', path: '/pxe_enabled', value: true },
      { op: 'add', path: '/extra/switch', value: 'sw1' },
      { op: 'replace', path: '/node_uuid', value: 'other' },
    ] });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ pxe_enabled: true, extra: { switch: 'sw1' } });
    expect(p.body.node_uuid).not.toBe(nodeUuid);
    expect((await h.call({ method: 'PATCH', url: `/v1/ports/${port.uuid}`, payload: [{ op: 'replace', path: '/uuid', value: 'x' }] })).status).toBe(400);
    expect((await h.call({ method: 'PATCH', url: `/v1/ports/${port.uuid}`, payload: [{ op: 'add', path: '/colour', value: 'x' }] })).status).toBe(400);
    expect((await h.call({ method: 'PATCH', url: `/v1/ports/${port.uuid}`, payload: [{ op: 'replace', path: '/address', value: 'zz' }] })).status).toBe(400);
    expect((await h.call({ method: 'DELETE', url: `/v1/ports/${port.uuid}` })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/ports/${port.uuid}` })).status).toBe(404);
    expect((await h.call({ method: 'DELETE', url: `/v1/ports/${port.uuid}` })).status).toBe(404);
  });
});

describe('drivers', () => {
  it('lists hardware types (dynamic), with detail', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/drivers' });
    const fake = r.body.drivers.find((d: any) => d.name === 'fake-hardware');
    expect(fake).toMatchObject({ type: 'dynamic' });
    expect(fake.hosts).toHaveLength(1);
    expect(fake.default_power_interface).toBeUndefined();
    const d = await h.call({ method: 'GET', url: '/v1/drivers?detail=true' });
    expect(d.body.drivers.find((x: any) => x.name === 'fake-hardware').default_deploy_interface).toBe('fake-agent');
    expect((await h.call({ method: 'GET', url: '/v1/drivers?type=classic' })).body.drivers).toEqual([]);
    expect((await h.call({ method: 'GET', url: '/v1/drivers?type=odd' })).status).toBe(400);
  });

  it('shows one type with its interfaces and the driver_info properties', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/drivers/fake-hardware' });
    expect(r.body).toMatchObject({ name: 'fake-hardware', default_power_interface: 'fake', enabled_inspect_interfaces: ['fake', 'agent', 'no-inspect'], default_console_interface: 'no-console' });
    const p = await h.call({ method: 'GET', url: '/v1/drivers/fake-hardware/properties' });
    expect(p.body.fake_fail).toMatch(/Optional\.$/);
    const missing = await h.call({ method: 'GET', url: '/v1/drivers/nope' });
    expect(missing.status).toBe(404);
    expect(fault(missing.body)).toContain('nope');
  });
});

describe('conductors (the managers)', () => {
  it('lists this process\'s manager, alive, with its drivers in detail; one by its hostname; 404 naming an unknown one', async () => {
    const list = await h.call({ method: 'GET', url: '/v1/conductors' });
    expect(list.status).toBe(200);
    expect(list.body.conductors).toHaveLength(1);
    const c = list.body.conductors[0];
    expect(c).toMatchObject({ hostname: h.engine.conductor.id, conductor_group: '', alive: true });
    expect(c).not.toHaveProperty('drivers');
    const detail = await h.call({ method: 'GET', url: '/v1/conductors?detail=true' });
    expect(detail.body.conductors[0].drivers).toEqual(expect.arrayContaining(['fake-hardware', 'ipmi']));
    const one = await h.call({ method: 'GET', url: `/v1/conductors/${encodeURIComponent(c.hostname)}` });
    expect(one.body).toMatchObject({ hostname: c.hostname, alive: true, drivers: expect.arrayContaining(['fake-hardware']) });
    const missing = await h.call({ method: 'GET', url: '/v1/conductors/nope' });
    expect(missing.status).toBe(404);
    expect(fault(missing.body)).toContain('nope');
  });
});
