// Allocations (API 1.52, PATCH 1.57, backfill 1.58, owner 1.60) against a real engine on a SQLite file:
// the pick (resource class, traits, candidates), its failures as Ironic words them, freeing the node, the
// node's allocation, version gates, and many allocations racing for few nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

let n = 0;
/** An available node (created at 1.10, as Ironic creates it then) of a resource class, with traits. */
async function availableNode(resourceClass: string, traits: string[] = []): Promise<string> {
  const name = `alloc-node-${n++}`;
  const r = await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name }, version: '1.10' });
  expect(r.status).toBe(201);
  const uuid = r.body.uuid as string;
  expect((await h.call({ method: 'PATCH', url: `/v1/nodes/${uuid}`, payload: [{ op: 'add', path: '/resource_class', value: resourceClass }] })).status).toBe(200);
  if (traits.length) expect((await h.call({ method: 'PUT', url: `/v1/nodes/${uuid}/traits`, payload: { traits } })).status).toBe(204);
  expect((await h.call({ method: 'PUT', url: `/v1/nodes/${uuid}/states/power`, payload: { target: 'power off' } })).status).toBe(202);
  await waitFor(h, uuid, (x) => x.power_state === 'power off' && x.reservation === null);
  return uuid;
}

const create = (payload: Record<string, unknown>, version = 'latest') => h.call({ method: 'POST', url: '/v1/allocations', payload, version });

describe('allocations', () => {
  it('picks an available node of the resource class with every trait, and frees it on delete', async () => {
    await availableNode('rc-a', ['CUSTOM_X']);
    const want = await availableNode('rc-a', ['CUSTOM_X', 'CUSTOM_Y']);
    await availableNode('rc-b', ['CUSTOM_X', 'CUSTOM_Y']);
    const r = await create({ resource_class: 'rc-a', traits: ['CUSTOM_Y'], name: 'first', extra: { k: 1 } });
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe(`http://localhost:80/v1/allocations/${r.body.uuid}`);
    expect(r.body).toMatchObject({ state: 'active', node_uuid: want, resource_class: 'rc-a', traits: ['CUSTOM_Y'], name: 'first', extra: { k: 1 }, last_error: null, owner: null, candidate_nodes: [] });
    const node = (await h.call({ method: 'GET', url: `/v1/nodes/${want}` })).body;
    expect(node.instance_uuid).toBe(r.body.uuid);
    expect(node.allocation_uuid).toBe(r.body.uuid);

    // By name, by UUID, through the node, in lists with filters.
    expect((await h.call({ method: 'GET', url: '/v1/allocations/first' })).body.uuid).toBe(r.body.uuid);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${want}/allocation` })).body.uuid).toBe(r.body.uuid);
    expect((await h.call({ method: 'GET', url: `/v1/allocations?node=${want}` })).body.allocations.map((a: any) => a.uuid)).toEqual([r.body.uuid]);
    expect((await h.call({ method: 'GET', url: '/v1/allocations?resource_class=rc-b' })).body.allocations).toEqual([]);
    expect((await h.call({ method: 'GET', url: '/v1/allocations?state=active&fields=uuid,state' })).body.allocations).toContainEqual({ uuid: r.body.uuid, state: 'active', links: expect.any(Array) });

    // The same name twice is a conflict.
    const dup = await create({ resource_class: 'rc-a', name: 'first' });
    expect(dup.status).toBe(409);

    expect((await h.call({ method: 'DELETE', url: '/v1/allocations/first' })).status).toBe(204);
    const freed = (await h.call({ method: 'GET', url: `/v1/nodes/${want}` })).body;
    expect(freed.instance_uuid).toBeNull();
    expect(freed.allocation_uuid).toBeNull();
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${want}/allocation` })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: `/v1/allocations/${r.body.uuid}` })).status).toBe(404);
  });

  it('fails with last_error when nothing matches, as Ironic words it', async () => {
    await availableNode('rc-c', ['CUSTOM_X']);
    const none = await create({ resource_class: 'rc-none' });
    expect(none.status).toBe(201);
    expect(none.body).toMatchObject({ state: 'error', node_uuid: null, last_error: 'no available nodes match the resource class rc-none' });
    const traits = await create({ resource_class: 'rc-c', traits: ['CUSTOM_MISSING'] });
    expect(traits.body).toMatchObject({ state: 'error', last_error: 'no suitable nodes have the requested traits CUSTOM_MISSING' });
    // A failed allocation can be deleted like any other.
    expect((await h.call({ method: 'DELETE', url: `/v1/allocations/${none.body.uuid}` })).status).toBe(204);
  });

  it('limits the pick to candidate_nodes (by name or UUID)', async () => {
    const a = await availableNode('rc-d');
    const b = await availableNode('rc-d');
    const bName = (await h.call({ method: 'GET', url: `/v1/nodes/${b}` })).body.name;
    const r = await create({ resource_class: 'rc-d', candidate_nodes: [bName] });
    expect(r.body).toMatchObject({ state: 'active', node_uuid: b, candidate_nodes: [b] });
    const again = await create({ resource_class: 'rc-d', candidate_nodes: [b] });
    expect(again.body).toMatchObject({ state: 'error', last_error: 'none of the requested nodes are available and match the resource class rc-d' });
    expect((await create({ resource_class: 'rc-d', candidate_nodes: ['no-such-node'] })).status).toBe(400);
    const other = await create({ resource_class: 'rc-d' });
    expect(other.body.node_uuid).toBe(a);
  });

  it('prefers the node named as the allocation (Ironic 1.79, at every version)', async () => {
    const nodes = await Promise.all([0, 1, 2, 3].map(() => availableNode('rc-named')));
    const names = await Promise.all(nodes.map(async (u) => (await h.call({ method: 'GET', url: `/v1/nodes/${u}` })).body.name as string));
    const r = await create({ resource_class: 'rc-named', name: names[2] }, '1.52');
    expect(r.body).toMatchObject({ state: 'active', node_uuid: nodes[2] });
  });

  it('refuses bad input with 400 naming the field, and nothing is written', async () => {
    const before = (await h.call({ method: 'GET', url: '/v1/allocations' })).body.allocations.length;
    const noClass = await create({});
    expect(noClass.status).toBe(400);
    expect(fault(noClass.body)).toBe('The resource_class field is mandatory when not backfilling');
    expect((await create({ resource_class: 'x', traits: ['lower'] })).status).toBe(400);
    expect((await create({ resource_class: 'x', bogus: 1 })).status).toBe(400);
    expect((await create({ resource_class: 'x', name: 'bad name' })).status).toBe(400);
    expect((await create({ resource_class: 'x', uuid: 'not-a-uuid' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/allocations' })).body.allocations.length).toBe(before);
  });

  it('changes name and extra by PATCH from 1.57', async () => {
    const r = await create({ resource_class: 'rc-none', name: 'patchme' });
    const ops = [{ op: 'replace', path: '/name', value: 'patched' }, { op: 'add', path: '/extra/a', value: 'b' }];
    expect((await h.call({ method: 'PATCH', url: '/v1/allocations/patchme', payload: ops, version: '1.56' })).status).toBe(405);
    const p = await h.call({ method: 'PATCH', url: '/v1/allocations/patchme', payload: ops, version: '1.57' });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ name: 'patched', extra: { a: 'b' } });
    expect((await h.call({ method: 'PATCH', url: '/v1/allocations/patched', payload: [{ op: 'replace', path: '/resource_class', value: 'y' }] })).status).toBe(400);
  });

  it('answers by version: 404/405 before 1.52, owner from 1.60, backfill from 1.58', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/allocations', version: '1.51' })).status).toBe(404);
    expect((await create({ resource_class: 'x' }, '1.51')).status).toBe(405);
    const r = await create({ resource_class: 'rc-none', owner: 'proj' });
    expect(r.body.owner).toBe('proj');
    expect((await h.call({ method: 'GET', url: `/v1/allocations/${r.body.uuid}`, version: '1.59' })).body).not.toHaveProperty('owner');
    expect((await create({ resource_class: 'rc-none', owner: 'proj' }, '1.59')).status).toBe(406);
    expect((await h.call({ method: 'GET', url: '/v1/allocations?owner=proj', version: '1.59' })).status).toBe(406);
    expect((await h.call({ method: 'GET', url: '/v1/allocations?owner=proj' })).body.allocations.map((a: any) => a.uuid)).toEqual([r.body.uuid]);
    const node = await availableNode('rc-e');
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}`, version: '1.51' })).body).not.toHaveProperty('allocation_uuid');
    expect((await create({ node, resource_class: 'rc-e' }, '1.57')).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.52' })).body.allocations).toBeDefined();
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.51' })).body.allocations).toBeUndefined();
  });

  it('backfills a deployed node; refuses one that is not active (400, the allocation in error)', async () => {
    const node = await availableNode('rc-f', ['CUSTOM_Z']);
    const bad = await create({ node });
    expect(bad.status).toBe(400);
    expect(fault(bad.body)).toContain('Node must be in the "active" state, but the current state is "available"');
    // Ironic's fake deploy interface: active without an image.
    expect((await h.call({ method: 'PATCH', url: `/v1/nodes/${node}`, payload: [{ op: 'replace', path: '/deploy_interface', value: 'fake' }] })).status).toBe(200);
    const deployed = await h.call({ method: 'PUT', url: `/v1/nodes/${node}/states/provision`, payload: { target: 'active' } });
    expect(deployed.status).toBe(202);
    const active = await waitFor(h, node, (x) => x.provision_state === 'active' && x.reservation === null, 20_000);
    const r = await create({ node, traits: ['CUSTOM_Z'] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'active', node_uuid: node, resource_class: 'rc-f' });
    // A deployed node's instance UUID becomes the allocation's.
    if (active.instance_uuid) expect(r.body.uuid).toBe(active.instance_uuid);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}` })).body.allocation_uuid).toBe(r.body.uuid);
    // An active node's allocation stays while it is deployed (outside maintenance).
    const del = await h.call({ method: 'DELETE', url: `/v1/nodes/${node}/allocation` });
    expect(del.status).toBe(400);
    expect(fault(del.body)).toContain('because the node is active');
  });

  it('deleting a node (in maintenance) deletes its allocation', async () => {
    const node = await availableNode('rc-g');
    const r = await create({ resource_class: 'rc-g' });
    expect(r.body.node_uuid).toBe(node);
    expect((await h.call({ method: 'PUT', url: `/v1/nodes/${node}/maintenance`, payload: { reason: 'gone' } })).status).toBe(202);
    expect((await h.call({ method: 'DELETE', url: `/v1/nodes/${node}` })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/allocations/${r.body.uuid}` })).status).toBe(404);
  });

  it('never gives one node to two allocations racing for it', async () => {
    const nodes = await Promise.all([0, 1, 2].map(() => availableNode('rc-race')));
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => create({ resource_class: 'rc-race', name: `race-${i}` })));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const won = results.filter((r) => r.body.state === 'active').map((r) => r.body.node_uuid);
    expect(won.sort()).toEqual([...nodes].sort());
    const lost = results.filter((r) => r.body.state === 'error');
    expect(lost).toHaveLength(5);
    for (const uuid of nodes) {
      const node = (await h.call({ method: 'GET', url: `/v1/nodes/${uuid}` })).body;
      const holder = results.find((r) => r.body.node_uuid === uuid)!.body.uuid;
      expect(node.allocation_uuid).toBe(holder);
      expect(node.instance_uuid).toBe(holder);
    }
  });
});
