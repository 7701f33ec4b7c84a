import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

const create = (payload: Record<string, unknown>) => h.call({ method: 'POST', url: '/v1/nodes', payload });

describe('POST /v1/nodes', () => {
  it('creates a node in enroll and answers 201 with Location and the Ironic shape', async () => {
    const r = await create({
      driver: 'fake-hardware',
      name: 'n-create',
      driver_info: { fake_power_delay_ms: 0, bmc_password: 's3cret' },
      properties: { cpus: 4 },
      resource_class: 'baremetal',
      extra: { rack: 'a1' },
      inspect_interface: 'no-inspect',
      network_interface: 'noop',
      traits: ['CUSTOM_GPU'],
    });
    expect(r.status).toBe(201);
    expect(r.headers.location).toMatch(new RegExp(`/v1/nodes/${r.body.uuid}$`));
    expect(r.body).toMatchObject({
      name: 'n-create',
      driver: 'fake-hardware',
      provision_state: 'enroll',
      power_state: null,
      maintenance: false,
      properties: { cpus: 4 },
      resource_class: 'baremetal',
      inspect_interface: 'no-inspect',
      power_interface: 'fake',
      console_interface: 'no-console',
      traits: ['CUSTOM_GPU'],
      extra: { rack: 'a1' },
    });
    expect(r.body.driver_info.bmc_password).toBe('******');
    expect(r.body.links[0].rel).toBe('self');
  });

  it.each([
    [{ name: 'x' }, 'driver'],
    [{ driver: 'nope' }, 'unknown hardware type'],
    [{ driver: 'fake-hardware', power_state: 'power on' }, 'read-only'],
    [{ driver: 'fake-hardware', colour: 'red' }, 'Unknown attribute for argument node: colour'],
    [{ driver: 'fake-hardware', console_interface: 'ipmitool-socat' }, 'console_interface'],
    [{ driver: 'fake-hardware', deploy_interface: 'iscsi' }, 'interfaces.deploy'],
    [{ driver: 'fake-hardware', driver_info: { fake_fail: 'sometimes' } }, 'driver_info.fake_fail'],
    [{ driver: 'fake-hardware', name: '9a3c1a55-0b5e-4e3c-8f4e-1c1a2f3b4c5d' }, 'name'],
    [{ driver: 'fake-hardware', properties: [] }, 'properties'],
  ])('refuses %j with 400 naming %s', async (payload, needle) => {
    const r = await create(payload);
    expect(r.status).toBe(400);
    expect(fault(r.body)).toContain(needle);
  });

  it('refuses a duplicate name with 409', async () => {
    await create({ driver: 'fake-hardware', name: 'dup' });
    const r = await create({ driver: 'fake-hardware', name: 'dup' });
    expect(r.status).toBe(409);
  });

  it('refuses a body that is not JSON', async () => {
    const r = await h.call({ method: 'POST', url: '/v1/nodes', payload: '{nope', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
  });

  it('refuses bodies of other media types', async () => {
    const r = await h.call({ method: 'POST', url: '/v1/nodes', payload: 'driver=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
  });
});

describe('GET /v1/nodes', () => {
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) await create({ driver: 'fake-hardware', name: `list-${i}`, resource_class: i % 2 ? 'odd' : 'even', driver_info: { secret_key: 'k' } });
  });

  it('lists the short form', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/nodes' });
    expect(r.status).toBe(200);
    const n = r.body.nodes.find((x: any) => x.name === 'list-0');
    expect(Object.keys(n).sort()).toEqual(['instance_uuid', 'links', 'maintenance', 'name', 'power_state', 'provision_state', 'uuid']);
    expect(r.body.next).toBeUndefined();
  });

  it('lists every field on /detail, secrets masked', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/nodes/detail?resource_class=odd' });
    expect(r.body.nodes.map((x: any) => x.name).sort()).toEqual(['list-1', 'list-3']);
    expect(r.body.nodes[0].driver_info.secret_key).toBe('******');
    expect(r.body.nodes[0].deploy_interface).toBe('fake-agent');
    // Served twice: the second time from the serialized cache, identical.
    const again = await h.call({ method: 'GET', url: '/v1/nodes/detail?resource_class=odd' });
    expect(again.body).toEqual(r.body);
  });

  it('selects fields, and refuses unknown ones or fields on /detail', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/nodes?fields=uuid,name,driver_info&resource_class=even' });
    expect(Object.keys(r.body.nodes[0]).sort()).toEqual(['driver_info', 'links', 'name', 'uuid']);
    expect(r.body.nodes[0].driver_info.secret_key).toBe('******');
    expect((await h.call({ method: 'GET', url: '/v1/nodes?fields=colour' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/detail?fields=uuid' })).status).toBe(400);
  });

  it('pages with limit, marker and a next link that reproduces the query', async () => {
    const first = await h.call({ method: 'GET', url: '/v1/nodes?limit=2&sort_key=name&sort_dir=asc' });
    expect(first.body.nodes).toHaveLength(2);
    expect(first.body.next).toContain('marker=');
    expect(first.body.next).toContain('sort_key=name');
    const url = new URL(first.body.next);
    const second = await h.call({ method: 'GET', url: url.pathname + url.search });
    expect(second.body.nodes[0].name > first.body.nodes[1].name).toBe(true);
  });

  it('filters by provision_state, driver, maintenance and associated', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/nodes?provision_state=active' })).body.nodes).toEqual([]);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?driver=fake-hardware&maintenance=false&associated=false' })).body.nodes.length).toBeGreaterThan(4);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?maintenance=perhaps' })).status).toBe(400);
  });

  it('refuses bad paging parameters', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/nodes?limit=-1' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?sort_key=colour' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?sort_dir=up' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?marker=00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });
});

describe('GET /v1/nodes/{ident}', () => {
  it('finds a node by name or uuid, with fields', async () => {
    const c = await create({ driver: 'fake-hardware', name: 'show-me' });
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${c.body.uuid}` })).body.name).toBe('show-me');
    const r = await h.call({ method: 'GET', url: '/v1/nodes/show-me?fields=uuid,provision_state' });
    expect(r.body).toEqual({ uuid: c.body.uuid, provision_state: 'enroll', links: expect.any(Array) });
  });

  it('answers 404 for an unknown node', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/nodes/ghost' });
    expect(r.status).toBe(404);
    expect(fault(r.body)).toContain('ghost');
    // The router decodes path parameters once; a second decoding made "%" a 500 and "%2541" an "A".
    const pct = await h.call({ method: 'GET', url: '/v1/nodes/ghost%25' });
    expect(pct.status).toBe(404);
    expect(fault(pct.body)).toContain('ghost%');
    expect(fault((await h.call({ method: 'GET', url: '/v1/nodes/ghost%2541' })).body)).toContain('ghost%41');
  });
});

describe('PATCH /v1/nodes/{ident}', () => {
  const patch = (ident: string, payload: unknown) => h.call({ method: 'PATCH', url: `/v1/nodes/${ident}`, payload });

  it('applies add, replace, remove, test, copy and move as the baremetal CLI sends them', async () => {
    await create({ driver: 'fake-hardware', name: 'p1', driver_info: { bmc_password: 'keep-me' }, properties: { cpus: 1, old: 'x' } });
    const r = await patch('p1', [
      { op: 'test', path: '/name', value: 'p1' },
      { op: 'add', path: '/properties/memory_mb', value: 1024 },
      { op: 'replace', path: '/properties/cpus', value: 2 },
      { op: 'remove', path: '/properties/old' },
      { op: 'add', path: '/extra/owner', value: 'team-a' },
      { op: 'copy', from: '/extra/owner', path: '/extra/backup' },
      { op: 'move', from: '/extra/backup', path: '/extra/team' },
      { op: 'add', path: '/driver_info/fake_power_delay_ms', value: 5 },
      { op: 'add', path: '/instance_info/image_source', value: 'http://img/x.raw' },
      { op: 'add', path: '/resource_class', value: 'gold' },
      { op: 'replace', path: '/inspect_interface', value: 'no-inspect' },
    ]);
    expect(r.status).toBe(200);
    expect(r.body.properties).toEqual({ cpus: 2, memory_mb: 1024 });
    expect(r.body.extra).toEqual({ owner: 'team-a', team: 'team-a' });
    expect(r.body.instance_info).toEqual({ image_source: 'http://img/x.raw' });
    expect(r.body.resource_class).toBe('gold');
    expect(r.body.inspect_interface).toBe('no-inspect');
    expect(r.body.driver_info).toEqual({ bmc_password: '******', fake_power_delay_ms: 5 });
    // The masked secret was kept, not overwritten with the mask.
    const real = await h.engine.nodes.getNode('p1');
    expect(real.driver_info.bmc_password).toBe('keep-me');
  });

  it('resets top-level fields on remove (name to null, interfaces to defaults)', async () => {
    const r = await patch('p1', [
      { op: 'remove', path: '/resource_class' },
      { op: 'remove', path: '/inspect_interface' },
    ]);
    expect(r.body.resource_class).toBeNull();
    expect(r.body.inspect_interface).toBe('fake');
  });

  it('sets maintenance with a reason', async () => {
    const r = await patch('p1', [
      { op: 'replace', path: '/maintenance', value: true },
      { op: 'add', path: '/maintenance_reason', value: 'fan' },
    ]);
    expect(r.body).toMatchObject({ maintenance: true, maintenance_reason: 'fan' });
    await patch('p1', [{ op: 'replace', path: '/maintenance', value: false }]);
  });

  it.each([
    [[{ op: 'add', path: '/colour', value: 1 }], '/colour'],
    [[{ op: 'replace', path: '/power_state', value: 'power on' }], "'/power_state' is an internal attribute"],
    [[{ op: 'add', path: '/traits/0', value: 'CUSTOM_X' }], 'traits API'],
    [[{ op: 'remove', path: '/properties/nope' }], "non-existent object 'nope'"],
    [[{ op: 'replace', path: '/extra/nope', value: 1 }], 'nope'],
    [[{ op: 'test', path: '/name', value: 'other' }], 'Patch test failed'],
    [[{ op: 'remove', path: '/driver' }], 'mandatory'],
    [[{ op: 'replace', path: '/properties', value: 'flat' }], 'properties'],
    [[{ op: 'jump', path: '/name' }], 'op'],
    [[{ op: 'add', path: 'name', value: 'x' }], 'JSON pointer'],
    [{ op: 'add', path: '/name', value: 'x' }, 'must be array'],
    [[{ op: 'replace', path: '/network_interface', value: 'neutron' }], 'network_interface'],
  ])('refuses %j with 400 naming %s', async (ops, needle) => {
    const r = await patch('p1', ops);
    expect(r.status).toBe(400);
    expect(fault(r.body)).toContain(needle);
  });

  it('answers 404 for an unknown node', async () => {
    expect((await patch('ghost', [{ op: 'add', path: '/extra/a', value: 1 }])).status).toBe(404);
  });
});

describe('DELETE /v1/nodes/{ident}', () => {
  it('deletes an enrolled node (204), then it is gone', async () => {
    await create({ driver: 'fake-hardware', name: 'del-me' });
    const r = await h.call({ method: 'DELETE', url: '/v1/nodes/del-me', headers: { 'content-type': 'application/octet-stream' } });
    expect(r.status).toBe(204);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/del-me' })).status).toBe(404);
    expect((await h.call({ method: 'DELETE', url: '/v1/nodes/del-me' })).status).toBe(404);
  });

  it('accepts DELETE with an empty JSON content type (as OpenStack clients send)', async () => {
    await create({ driver: 'fake-hardware', name: 'del-json' });
    const r = await h.call({ method: 'DELETE', url: '/v1/nodes/del-json', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(204);
  });
});
