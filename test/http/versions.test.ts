// Microversions 1.1 to the maximum, answered as each specifies (engine/http/versions-table.ts), and Ironic's
// chassis. Expected answers are Ironic 21.4's: the key sets of its representations per version were
// recorded from a real Ironic (fixtures/ironic-21.4-fields.json), the statuses checked against it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fault, startHarness, type Harness } from './helpers.js';
import { MAX_VERSION, MICROVERSIONS, MIN_VERSION, entriesOf, findEntry, since, type Microversion } from '../../engine/http/versions-table.js';
import { BEGIN, END, renderVersionsTable } from '../../engine/http/versions-doc.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

const UUID = '11111111-1111-4111-8111-111111111111';
const create = (payload: Record<string, unknown>, version: string | null = 'latest') => h.call({ method: 'POST', url: '/v1/nodes', payload, version });

describe('the versions table', () => {
  it("has a row for every version it claims, in order, none of them unbuilt, and the maximum is 1.89 (Metal3's baseline)", () => {
    const minors = (MICROVERSIONS as readonly Microversion[]).map((m) => m.minor);
    expect(minors).toEqual([...minors].sort((a, b) => a - b));
    for (let v = MIN_VERSION; v <= MAX_VERSION; v++) expect(minors, `1.${v}`).toContain(v);
    expect(MAX_VERSION).toBe(89);
    const unbuilt = (MICROVERSIONS as readonly Microversion[]).filter((m) => m.minor <= MAX_VERSION).flatMap((m) => m.changes.filter((c) => c.support === 'no').map((c) => `1.${m.minor} ${c.kind} ${c.name}`));
    expect(unbuilt).toEqual([]);
  });

  it('is what engine/http/README.md shows (npm run gen:versions)', () => {
    const readme = readFileSync(new URL('../../engine/http/README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END));
    expect(readme.includes(BEGIN) && readme.includes(END)).toBe(true);
    expect(section.trim(), 'stale: run npm run gen:versions').toBe(renderVersionsTable().trim());
  });
});

describe('negotiation', () => {
  it('answers a request without a version header as 1.1, as Ironic does', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/nodes', version: null });
    expect(r.status).toBe(200);
    expect(r.headers['x-openstack-ironic-api-version']).toBe('1.1');
    expect(r.headers['x-openstack-ironic-api-minimum-version']).toBe('1.1');
    expect(r.headers['x-openstack-ironic-api-maximum-version']).toBe(`1.${MAX_VERSION}`);
    const c = await create({ driver: 'fake-hardware', uuid: UUID }, null);
    expect(c.status).toBe(201);
    // 1.1: no name, no driver_internal_info, no interfaces; a new node is available, which 1.1 calls null.
    expect(c.body).not.toHaveProperty('name');
    expect(c.body).not.toHaveProperty('driver_internal_info');
    expect(c.body).not.toHaveProperty('deploy_interface');
    expect(c.body.provision_state).toBeNull();
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${UUID}`, version: '1.2' })).body.provision_state).toBe('available');
    const v1 = await h.call({ method: 'GET', url: '/v1', version: null });
    expect(Object.keys(v1.body)).toEqual(expect.arrayContaining(['chassis', 'nodes', 'ports', 'drivers']));
    expect(v1.body.lookup).toBeUndefined();
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.22' })).body.lookup).toBeDefined();
  });

  it('answers 406 above the maximum and for malformed versions, naming the range', async () => {
    for (const v of [`1.${MAX_VERSION + 1}`, '1.0', '2.1', '1', 'one.two', '1.x']) {
      const r = await h.call({ method: 'GET', url: '/v1/nodes', version: v });
      expect(r.status, v).toBe(406);
      expect(r.headers['x-openstack-ironic-api-maximum-version']).toBe(`1.${MAX_VERSION}`);
    }
    expect(fault((await h.call({ method: 'GET', url: '/v1/chassis', version: `1.${MAX_VERSION + 1}` })).body)).toContain(`[1.1, 1.${MAX_VERSION}]`);
  });
});

describe('node creation state', () => {
  it('creates a node available at 1.10 and in enroll at 1.11', async () => {
    const old = await create({ driver: 'fake-hardware', name: 'born-available' }, '1.10');
    expect(old.status).toBe(201);
    expect(old.body.provision_state).toBe('available');
    const recorded = await h.engine.nodes.getNode('born-available');
    expect(recorded).toMatchObject({ provision_state: 'available', target_provision_state: null, reservation: null });
    const now = await create({ driver: 'fake-hardware', name: 'born-enroll' }, '1.11');
    expect(now.body.provision_state).toBe('enroll');
  });
});

describe('fields by version', () => {
  const recorded = JSON.parse(readFileSync(new URL('./fixtures/ironic-21.4-fields.json', import.meta.url), 'utf8')).versions as Record<string, Record<string, string[]>>;
  let ids: { node: string; port: string; chassis: string };
  beforeAll(async () => {
    const n = await create({ driver: 'fake-hardware', uuid: '22222222-2222-4222-8222-222222222222' });
    const p = await h.call({ method: 'POST', url: '/v1/ports', payload: { address: '52:54:00:aa:00:01', node_uuid: n.body.uuid } });
    const c = await h.call({ method: 'POST', url: '/v1/chassis', payload: { description: 'fields' } });
    ids = { node: n.body.uuid, port: p.body.uuid, chassis: c.body.uuid };
  });

  it.each(Object.keys(recorded))('at %s, the representations have the fields Ironic 21.4 shows', async (version) => {
    const keys = async (url: string, list?: string) => {
      const r = await h.call({ method: 'GET', url, version });
      expect(r.status, url).toBe(200);
      return Object.keys(list ? r.body[list][0] : r.body).sort();
    };
    const want = recorded[version]!;
    expect(await keys(`/v1/nodes/${ids.node}`), 'node').toEqual(want.node);
    expect(await keys('/v1/nodes', 'nodes'), 'node list').toEqual(want.nodelist);
    expect(await keys(`/v1/nodes/${ids.node}/states`), 'states').toEqual(want.states);
    expect(await keys(`/v1/ports/${ids.port}`), 'port').toEqual(want.port);
    expect(await keys('/v1/ports', 'ports'), 'port list').toEqual(want.portlist);
    expect(await keys('/v1/drivers/fake-hardware'), 'driver').toEqual(want.driver);
    expect(await keys('/v1/drivers', 'drivers'), 'driver list').toEqual(want.driverlist);
    expect(await keys(`/v1/chassis/${ids.chassis}`), 'chassis').toEqual(want.chassis);
    expect(await keys('/v1/chassis', 'chassis'), 'chassis list').toEqual(want.chassislist);
    expect(await keys('/v1'), '/v1').toEqual(want.v1);
  });

  it('shows each node field of the table from its version, not before', async () => {
    for (const e of entriesOf('field', 'node')) {
      // A field ironplan has not built ('no') is in no representation yet.
      if (e.since <= MIN_VERSION || e.since > MAX_VERSION || e.support === 'no') continue;
      const before = await h.call({ method: 'GET', url: `/v1/nodes/${ids.node}`, version: `1.${e.since - 1}` });
      const from = await h.call({ method: 'GET', url: `/v1/nodes/${ids.node}`, version: `1.${e.since}` });
      expect(before.body, `${e.name} at 1.${e.since - 1}`).not.toHaveProperty(e.name);
      expect(from.body, `${e.name} at 1.${e.since}`).toHaveProperty(e.name);
    }
  });

  it('refuses a field of a later version in a request (406) and asking for it with ?fields (406)', async () => {
    expect((await create({ driver: 'fake-hardware', resource_class: 'x' }, '1.20')).status).toBe(406);
    expect((await create({ driver: 'fake-hardware', deploy_interface: 'fake-agent' }, '1.30')).status).toBe(406);
    expect((await create({ driver: 'fake-hardware', name: 'too-early' }, '1.4')).status).toBe(406);
    // null is no value: Ironic accepts it at any version.
    expect((await create({ driver: 'fake-hardware', name: null, resource_class: null }, '1.4')).status).toBe(201);
    const patch = await h.call({ method: 'PATCH', url: `/v1/nodes/${ids.node}`, payload: [{ op: 'add', path: '/traits', value: [] }], version: '1.36' });
    expect(patch.status).toBe(406);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${ids.node}?fields=resource_class`, version: '1.20' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${ids.node}?fields=uuid`, version: '1.7' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${ids.node}?fields=nonsense`, version: '1.8' })).status).toBe(400);
    const port = await h.call({ method: 'POST', url: '/v1/ports', payload: { address: '52:54:00:aa:00:02', node_uuid: ids.node, pxe_enabled: true }, version: '1.18' });
    expect(port.status).toBe(406);
  });
});

describe('requests by version', () => {
  it('accepts provision targets from their version (406 before)', async () => {
    const n = await create({ driver: 'fake-hardware', name: 'verbs' });
    const target = (t: string, version: string) => h.call({ method: 'PUT', url: `/v1/nodes/${n.body.uuid}/states/provision`, payload: { target: t }, version });
    expect((await target('manage', '1.3')).status).toBe(406);
    expect((await target('inspect', '1.5')).status).toBe(406);
    expect((await target('abort', '1.12')).status).toBe(406);
    expect((await target('clean', '1.14')).status).toBe(406);
    expect((await target('rescue', '1.37')).status).toBe(406);
    expect((await target('adopt', '1.16')).status).toBe(406);
    expect((await target('adopt', '1.17')).status).toBe(400);
    const deploy = await target('deploy', '1.37');
    expect(deploy.status).toBe(406);
    expect(fault(deploy.body)).toContain('1.73');
    expect((await target('manage', '1.4')).status).toBe(202);
  });

  it('names nodes from 1.5: a name in a URL is 404 before, a name in ?node= 406', async () => {
    const n = await create({ driver: 'fake-hardware', name: 'named' });
    expect((await h.call({ method: 'GET', url: '/v1/nodes/named', version: '1.4' })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/named/states', version: '1.4' })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${n.body.uuid}`, version: '1.4' })).status).toBe(200);
    expect((await h.call({ method: 'GET', url: '/v1/ports?node=named', version: '1.4' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/named', version: '1.5' })).status).toBe(200);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?sort_key=name', version: '1.4' })).status).toBe(406);
  });

  it('checks names by the rule of the version (hostname-safe before 1.10, RFC 3986 unreserved since)', async () => {
    expect((await create({ driver: 'fake-hardware', name: 'a_b' }, '1.9')).status).toBe(400);
    expect((await create({ driver: 'fake-hardware', name: 'a_b' }, '1.10')).status).toBe(201);
    const spaced = await create({ driver: 'fake-hardware', name: 'a b' }, '1.10');
    expect(spaced.status).toBe(400);
    expect(fault(spaced.body)).toBe("Cannot create node with invalid name 'a b'");
  });

  it('filters from their version (406 before); ?detail (Ironic 1.43) is answered at any version', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/nodes?provision_state=enroll', version: '1.8' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?driver=fake-hardware', version: '1.15' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?resource_class=x', version: '1.20' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?provision_state=enroll', version: '1.9' })).status).toBe(200);
    // ironplan's Terraform provider sends ?detail=true; Ironic would answer 400 below 1.43.
    expect(findEntry('query', 'nodes', 'detail')?.support).toBe('any-version');
    const detail = await h.call({ method: 'GET', url: '/v1/nodes?detail=true', version: '1.1' });
    expect(detail.status).toBe(200);
    expect(detail.body.nodes[0]).toHaveProperty('driver_info');
    expect((await h.call({ method: 'GET', url: '/v1/drivers?detail=true', version: '1.29' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: '/v1/drivers?detail=true', version: '1.30' })).status).toBe(200);
  });

  it('answers the traits endpoint below 1.37 as Ironic does: GET 406, PUT 405, DELETE 404', async () => {
    const url = `/v1/nodes/${UUID}/traits`;
    expect((await h.call({ method: 'GET', url, version: '1.36' })).status).toBe(406);
    expect((await h.call({ method: 'PUT', url: `${url}/CUSTOM_A`, version: '1.36' })).status).toBe(405);
    expect((await h.call({ method: 'DELETE', url: `${url}/CUSTOM_A`, version: '1.36' })).status).toBe(404);
    expect((await h.call({ method: 'GET', url, version: '1.37' })).status).toBe(200);
  });

  it('refuses soft power before 1.27 (406) and accepts it from 1.27 (fake power has it)', async () => {
    const power = (target: string, version: string) => h.call({ method: 'PUT', url: `/v1/nodes/${UUID}/states/power`, payload: { target }, version });
    expect((await power('soft power off', '1.26')).status).toBe(406);
    expect((await power('soft power off', '1.27')).status).toBe(202);
    await h.engine.nodes.waitForNode(UUID, (n) => n.reservation === null && n.power_state === 'power off', 10_000);
  });

  it('shows "inspect wait" as "inspecting" until 1.39, and refuses aborting it until 1.41 (406)', async () => {
    const n = await create({
      driver: 'fake-hardware', name: 'inspect-wait', inspect_interface: 'agent', boot_interface: 'ipxe',
      driver_info: { deploy_kernel: 'http://127.0.0.1:1/k', deploy_ramdisk: 'http://127.0.0.1:1/r' },
    });
    await h.call({ method: 'POST', url: '/v1/ports', payload: { address: '52:54:00:aa:00:09', node_uuid: n.body.uuid } });
    expect((await h.call({ method: 'PUT', url: `/v1/nodes/${n.body.uuid}/states/provision?wait=10`, payload: { target: 'manage' } })).status).toBe(202);
    expect((await h.call({ method: 'PUT', url: `/v1/nodes/${n.body.uuid}/states/provision`, payload: { target: 'inspect' } })).status).toBe(202);
    await h.engine.nodes.waitForNode(n.body.uuid, (x) => x.provision_state === 'inspect wait' && x.reservation === null, 10_000);
    const shown = await h.call({ method: 'GET', url: `/v1/nodes/${n.body.uuid}`, version: '1.38' });
    expect(shown.body.provision_state).toBe('inspecting');
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${n.body.uuid}/states`, version: '1.38' })).body.provision_state).toBe('inspecting');
    expect((await h.call({ method: 'PUT', url: `/v1/nodes/${n.body.uuid}/states/provision`, payload: { target: 'abort' }, version: '1.38' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${n.body.uuid}`, version: '1.39' })).body.provision_state).toBe('inspect wait');
    expect((await h.call({ method: 'PUT', url: `/v1/nodes/${n.body.uuid}/states/provision`, payload: { target: 'abort' }, version: '1.40' })).status).toBe(406);
    expect((await h.call({ method: 'PUT', url: `/v1/nodes/${n.body.uuid}/states/provision`, payload: { target: 'abort' }, version: '1.41' })).status).toBe(202);
  });
});

describe('chassis', () => {
  for (const version of ['1.1', 'latest']) {
    it(`create, show, list, update and delete at ${version}`, async () => {
      const call = (o: Parameters<Harness['call']>[0]) => h.call({ ...o, version });
      const c = await call({ method: 'POST', url: '/v1/chassis', payload: { description: `rack ${version}`, extra: { room: 'a' } } });
      expect(c.status).toBe(201);
      expect(c.headers.location).toMatch(new RegExp(`/v1/chassis/${c.body.uuid}$`));
      expect(c.body).toMatchObject({ description: `rack ${version}`, extra: { room: 'a' }, updated_at: null });
      expect(c.body.nodes).toEqual([
        { href: expect.stringMatching(new RegExp(`/v1/chassis/${c.body.uuid}/nodes$`)), rel: 'self' },
        { href: expect.stringMatching(new RegExp(`/chassis/${c.body.uuid}/nodes$`)), rel: 'bookmark' },
      ]);
      const uuid = c.body.uuid as string;
      expect((await call({ method: 'GET', url: `/v1/chassis/${uuid}` })).body).toMatchObject({ uuid, extra: { room: 'a' } });
      const list = await call({ method: 'GET', url: '/v1/chassis' });
      expect(list.body.chassis.find((x: any) => x.uuid === uuid)).toEqual({ uuid, description: `rack ${version}`, links: expect.any(Array) });
      const detail = await call({ method: 'GET', url: '/v1/chassis/detail' });
      expect(detail.body.chassis.find((x: any) => x.uuid === uuid)).toMatchObject({ extra: { room: 'a' }, nodes: expect.any(Array) });

      const p = await call({ method: 'PATCH', url: `/v1/chassis/${uuid}`, payload: [{ op: 'replace', path: '/description', value: 'moved' }, { op: 'add', path: '/extra/row', value: 7 }] });
      expect(p.status).toBe(200);
      expect(p.body).toMatchObject({ description: 'moved', extra: { room: 'a', row: 7 } });
      expect(p.body.updated_at).not.toBeNull();
      expect((await call({ method: 'PATCH', url: `/v1/chassis/${uuid}`, payload: [{ op: 'remove', path: '/description' }] })).body.description).toBeNull();
      const uuidChange = await call({ method: 'PATCH', url: `/v1/chassis/${uuid}`, payload: [{ op: 'replace', path: '/uuid', value: UUID }] });
      expect(fault(uuidChange.body)).toBe('Cannot overwrite UUID for an existing Chassis.');
      const badPath = await call({ method: 'PATCH', url: `/v1/chassis/${uuid}`, payload: [{ op: 'replace', path: '/created_at', value: 'x' }] });
      expect(badPath.status).toBe(400);

      expect((await call({ method: 'DELETE', url: `/v1/chassis/${uuid}` })).status).toBe(204);
      const gone = await call({ method: 'GET', url: `/v1/chassis/${uuid}` });
      expect(gone.status).toBe(404);
      expect(fault(gone.body)).toBe(`Chassis ${uuid} could not be found.`);
    });
  }

  it('refuses bodies, idents and duplicates as Ironic does', async () => {
    const unknown = await h.call({ method: 'POST', url: '/v1/chassis', payload: { foo: 1 } });
    expect(unknown.status).toBe(400);
    expect(fault(unknown.body)).toContain("'foo' was unexpected");
    expect((await h.call({ method: 'POST', url: '/v1/chassis', payload: { description: 'x'.repeat(256) } })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/chassis/not-a-uuid' })).status).toBe(400);
    const c = await h.call({ method: 'POST', url: '/v1/chassis', payload: {} });
    expect((await h.call({ method: 'POST', url: '/v1/chassis', payload: { uuid: c.body.uuid } })).status).toBe(409);
    expect((await h.call({ method: 'GET', url: '/v1/chassis?fields=uuid', version: '1.7' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: '/v1/chassis?fields=uuid,extra', version: '1.8' })).body.chassis[0]).toEqual({ uuid: expect.any(String), extra: expect.any(Object), links: expect.any(Array) });
  });

  it('holds nodes: chassis_uuid on create, PATCH and as a filter; a chassis with nodes is not deleted', async () => {
    const c = (await h.call({ method: 'POST', url: '/v1/chassis', payload: { description: 'with nodes' } })).body;
    const n = await create({ driver: 'fake-hardware', name: 'in-chassis', chassis_uuid: c.uuid });
    expect(n.status).toBe(201);
    expect(n.body.chassis_uuid).toBe(c.uuid);
    const missing = await create({ driver: 'fake-hardware', chassis_uuid: '99999999-9999-4999-8999-999999999999' });
    expect(missing.status).toBe(400);
    expect(fault(missing.body)).toBe('Chassis 99999999-9999-4999-8999-999999999999 could not be found.');
    expect((await create({ driver: 'fake-hardware', chassis_uuid: 'rack-1' })).status).toBe(400);

    const inChassis = await h.call({ method: 'GET', url: `/v1/chassis/${c.uuid}/nodes` });
    expect(inChassis.body.nodes.map((x: any) => x.uuid)).toEqual([n.body.uuid]);
    expect((await h.call({ method: 'GET', url: `/v1/chassis/${c.uuid}/nodes/detail` })).body.nodes[0].chassis_uuid).toBe(c.uuid);
    const filtered = await h.call({ method: 'GET', url: `/v1/nodes?chassis_uuid=${c.uuid}&fields=name,chassis_uuid` });
    expect(filtered.body.nodes).toEqual([{ name: 'in-chassis', chassis_uuid: c.uuid, links: expect.any(Array) }]);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?chassis_uuid=99999999-9999-4999-8999-999999999999' })).status).toBe(404);

    const refused = await h.call({ method: 'DELETE', url: `/v1/chassis/${c.uuid}` });
    expect(refused.status).toBe(400);
    expect(fault(refused.body)).toBe(`Cannot complete the requested action because chassis ${c.uuid} contains nodes.`);

    // Removing a node's chassis came with 1.25; moving it to another works at any version.
    const other = (await h.call({ method: 'POST', url: '/v1/chassis', payload: {} })).body;
    const unset = (version: string) => h.call({ method: 'PATCH', url: '/v1/nodes/in-chassis', payload: [{ op: 'remove', path: '/chassis_uuid' }], version });
    expect((await unset('1.24')).status).toBe(406);
    const moved = await h.call({ method: 'PATCH', url: '/v1/nodes/in-chassis', payload: [{ op: 'replace', path: '/chassis_uuid', value: other.uuid }], version: '1.24' });
    expect(moved.body.chassis_uuid).toBe(other.uuid);
    expect((await unset('1.25')).body.chassis_uuid).toBeNull();
    expect((await h.call({ method: 'DELETE', url: `/v1/chassis/${c.uuid}` })).status).toBe(204);
  });
});
