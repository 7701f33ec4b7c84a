// Volume connectors and targets (API 1.32): CRUD as Ironic validates it, unique keys (409), a node's
// volume, and changes and deletions only with the node powered off (through its manager).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness;
let node: string;
let other: string;
beforeAll(async () => {
  h = await startHarness();
  node = (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'vol-node' } })).body.uuid;
  other = (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'vol-other' } })).body.uuid;
  for (const n of [node, other]) {
    await h.call({ method: 'PUT', url: `/v1/nodes/${n}/states/power`, payload: { target: 'power off' } });
    await waitFor(h, n, (x) => x.power_state === 'power off' && x.reservation === null);
  }
});
afterAll(async () => h.close());

const post = (path: string, payload: unknown, version = 'latest') => h.call({ method: 'POST', url: `/v1/volume/${path}`, payload: payload as object, version });

describe('volume connectors', () => {
  it('creates, lists (short, detail, by node), shows, patches and deletes', async () => {
    const r = await post('connectors', { node_uuid: node, type: 'iqn', connector_id: 'iqn.2024-01.org.example:node1', extra: { a: 1 } });
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe(`http://localhost:80/v1/volume/connectors/${r.body.uuid}`);
    expect(r.body).toMatchObject({ node_uuid: node, type: 'iqn', connector_id: 'iqn.2024-01.org.example:node1', extra: { a: 1 }, updated_at: null });
    const list = await h.call({ method: 'GET', url: '/v1/volume/connectors' });
    expect(list.body.connectors).toEqual([{ uuid: r.body.uuid, node_uuid: node, type: 'iqn', connector_id: 'iqn.2024-01.org.example:node1', links: expect.any(Array) }]);
    expect((await h.call({ method: 'GET', url: '/v1/volume/connectors?detail=true' })).body.connectors[0]).toMatchObject({ node_uuid: node, extra: { a: 1 } });
    expect((await h.call({ method: 'GET', url: `/v1/volume/connectors?node=vol-other` })).body.connectors).toEqual([]);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/vol-node/volume/connectors' })).body.connectors).toHaveLength(1);
    expect((await h.call({ method: 'GET', url: `/v1/volume/connectors/${r.body.uuid}?fields=type` })).body).toEqual({ type: 'iqn', links: expect.any(Array) });
    const p = await h.call({ method: 'PATCH', url: `/v1/volume/connectors/${r.body.uuid}`, payload: [{ op: 'replace', path: '/connector_id', value: 'iqn.2024-01.org.example:node1b' }, { op: 'replace', path: '/node_uuid', value: other }] });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ connector_id: 'iqn.2024-01.org.example:node1b', node_uuid: other });
    expect(p.body.updated_at).not.toBeNull();
    expect((await h.call({ method: 'DELETE', url: `/v1/volume/connectors/${r.body.uuid}` })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/volume/connectors/${r.body.uuid}` })).status).toBe(404);
  });

  it('refuses bad input (400, naming the field), duplicates (409) and an unknown node (400)', async () => {
    for (const [body, field] of [
      [{ node_uuid: node, type: 'iqn' }, 'connector_id'],
      [{ node_uuid: node, type: 'floppy', connector_id: 'x' }, 'type'],
      [{ node_uuid: 'vol-node', type: 'iqn', connector_id: 'x' }, 'node_uuid'],
      [{ node_uuid: node, type: 'iqn', connector_id: 'x', bogus: 1 }, 'bogus'],
    ] as Array<[unknown, string]>) {
      const r = await post('connectors', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(fault(r.body)).toContain(field);
    }
    expect((await post('connectors', { node_uuid: '00000000-0000-4000-8000-000000000000', type: 'iqn', connector_id: 'x' })).status).toBe(400);
    expect((await post('connectors', { node_uuid: node, type: 'wwpn', connector_id: '50:00:00:00:00:00:00:01' })).status).toBe(201);
    const dup = await post('connectors', { node_uuid: other, type: 'wwpn', connector_id: '50:00:00:00:00:00:00:01' });
    expect(dup.status).toBe(409);
    expect(fault(dup.body)).toBe('A volume connector with type wwpn and connector ID 50:00:00:00:00:00:00:01 already exists.');
  });
});

describe('volume targets', () => {
  it('creates and lists; one boot index per node (409); a change needs the node powered off', async () => {
    const r = await post('targets', { node_uuid: node, volume_type: 'iscsi', volume_id: 'vol-1', boot_index: 0, properties: { target_lun: 0 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ volume_type: 'iscsi', volume_id: 'vol-1', boot_index: 0, properties: { target_lun: 0 }, extra: {} });
    expect((await h.call({ method: 'GET', url: '/v1/volume/targets' })).body.targets).toEqual([{ uuid: r.body.uuid, node_uuid: node, volume_type: 'iscsi', boot_index: 0, volume_id: 'vol-1', links: expect.any(Array) }]);
    const dup = await post('targets', { node_uuid: node, volume_type: 'iscsi', volume_id: 'vol-2', boot_index: 0 });
    expect(dup.status).toBe(409);
    expect(fault(dup.body)).toBe("A volume target with boot index '0' for the same node already exists.");
    expect((await post('targets', { node_uuid: other, volume_type: 'iscsi', volume_id: 'vol-2', boot_index: 0 })).status).toBe(201);
    expect((await post('targets', { node_uuid: node, volume_type: 'iscsi', volume_id: 'vol-3', boot_index: -1 })).status).toBe(400);

    await h.call({ method: 'PUT', url: `/v1/nodes/${node}/states/power`, payload: { target: 'power on' } });
    await waitFor(h, node, (x) => x.power_state === 'power on' && x.reservation === null);
    const on = await h.call({ method: 'PATCH', url: `/v1/volume/targets/${r.body.uuid}`, payload: [{ op: 'replace', path: '/volume_id', value: 'vol-9' }] });
    expect(on.status).toBe(400);
    expect(fault(on.body)).toBe(`The requested action "volume target update" can not be performed on node "${node}" while it is in state "power on".`);
    expect((await h.call({ method: 'DELETE', url: `/v1/volume/targets/${r.body.uuid}` })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: `/v1/volume/targets/${r.body.uuid}` })).body.volume_id).toBe('vol-1');

    await h.call({ method: 'PUT', url: `/v1/nodes/${node}/states/power`, payload: { target: 'power off' } });
    await waitFor(h, node, (x) => x.power_state === 'power off' && x.reservation === null);
    expect((await h.call({ method: 'PATCH', url: `/v1/volume/targets/${r.body.uuid}`, payload: [{ op: 'replace', path: '/volume_id', value: 'vol-9' }] })).body.volume_id).toBe('vol-9');
    expect((await h.call({ method: 'PATCH', url: `/v1/volume/targets/${r.body.uuid}`, payload: [{ op: 'replace', path: '/uuid', value: r.body.uuid }] })).status).toBe(400);
    expect((await h.call({ method: 'DELETE', url: `/v1/volume/targets/${r.body.uuid}` })).status).toBe(204);
  });
});

describe('the volume resource', () => {
  it('links connectors and targets from 1.32 (404 before); a node\'s volume too; deleting the node deletes them', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/volume', version: '1.31' })).status).toBe(404);
    expect((await post('connectors', { node_uuid: node, type: 'ip', connector_id: '10.0.0.1' }, '1.31')).status).toBe(405);
    const v = await h.call({ method: 'GET', url: '/v1/volume', version: '1.32' });
    expect(v.body.connectors[0].href).toBe('http://localhost:80/v1/volume/connectors');
    expect((await h.call({ method: 'GET', url: '/v1/nodes/vol-other/volume' })).body.targets[0].href).toBe(`http://localhost:80/v1/nodes/${other}/volume/targets`);
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.32' })).body.volume).toBeDefined();
    expect((await h.call({ method: 'DELETE', url: `/v1/nodes/${other}` })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: `/v1/volume/targets?node=${other}` })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/volume/targets?detail=true' })).body.targets.filter((t: any) => t.node_uuid === other)).toEqual([]);
  });
});
