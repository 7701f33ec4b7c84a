// Node endpoints of API 1.63 to 1.89 through HTTP. Each is refused below its version (404); the rest of
// each case runs once MAX_VERSION claims the version (the allocation, event and deploy-template rows of
// 1.52 to 1.55 come from another branch; until then these versions are above the maximum).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, waitFor, type Harness } from './helpers.js';
import { MAX_VERSION, since } from '../../engine/http/versions-table.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  expect((await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'later', deploy_interface: 'fake' } })).status).toBe(201);
});
afterAll(async () => h.close());

const at = (minor: number) => `1.${Math.min(minor, MAX_VERSION)}`;
const claimed = (path: string) => since('endpoint', 'v1', path as never) <= MAX_VERSION;

describe('gates', () => {
  it.each([
    ['GET', '/v1/nodes/later/management/indicators', '/v1/nodes/{node}/management/indicators'],
    ['PUT', '/v1/nodes/later/states/boot_mode', '/v1/nodes/{node}/states/boot_mode'],
    ['GET', '/v1/nodes/later/history', '/v1/nodes/{node}/history'],
    ['GET', '/v1/shards', '/v1/shards'],
    ['GET', '/v1/nodes/later/children', '/v1/nodes/{node}/children'],
    ['GET', '/v1/nodes/later/firmware', '/v1/nodes/{node}/firmware'],
    ['POST', '/v1/nodes/later/vmedia', '/v1/nodes/{node}/vmedia'],
  ] as const)('%s %s is 404 below its version', async (method, url, path) => {
    const v = since('endpoint', 'v1', path as never);
    expect((await h.call({ method, url, payload: {}, version: at(v - 1) })).status).toBe(404);
  });

  it('refuses unhold and deploy_steps below their versions (406)', async () => {
    const put = (payload: Record<string, unknown>, version: string) => h.call({ method: 'PUT', url: '/v1/nodes/later/states/provision', payload, version });
    expect((await put({ target: 'unhold' }, at(since('provision', 'node', 'unhold') - 1))).status).toBe(406);
    expect((await put({ target: 'active', deploy_steps: [] }, at(since('behaviour', 'node', 'deploy-steps') - 1))).status).toBe(406);
  });
});

describe('from their versions', () => {
  it.runIf(claimed('/v1/nodes/{node}/management/indicators'))('lists no indicators; boot mode, secure boot and vmedia are 400', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/nodes/later/management/indicators' })).body).toEqual({ indicators: [] });
    for (const [method, url] of [['PUT', '/v1/nodes/later/states/boot_mode'], ['PUT', '/v1/nodes/later/states/secure_boot'], ['POST', '/v1/nodes/later/vmedia']] as const) {
      const r = await h.call({ method, url, payload: { target: 'uefi' } });
      expect(r.status, url).toBe(400);
      expect(fault(r.body)).toContain('not supported');
    }
    expect((await h.call({ method: 'GET', url: '/v1/nodes/later/firmware' })).body).toEqual({ firmware: [] });
  });

  it.runIf(claimed('/v1/nodes/{node}/history'))("shows the node's events as its history, one entry by its uuid", async () => {
    await h.call({ method: 'PUT', url: '/v1/nodes/later/states/provision?wait=10', payload: { target: 'manage' } });
    const list = await h.call({ method: 'GET', url: '/v1/nodes/later/history' });
    expect(list.status).toBe(200);
    expect(list.body.history.length).toBeGreaterThanOrEqual(2);
    const first = list.body.history[0];
    expect(first).toMatchObject({ severity: 'INFO', event: 'node enrolled' });
    expect(first).not.toHaveProperty('user');
    const one = await h.call({ method: 'GET', url: `/v1/nodes/later/history/${first.uuid}` });
    expect(one.body).toMatchObject({ uuid: first.uuid, event_type: 'node', user: 'api' });
    expect((await h.call({ method: 'GET', url: '/v1/nodes/later/history/00000000-0000-4000-8000-ffffffffffff' })).status).toBe(404);
  });

  it.runIf(claimed('/v1/shards'))('counts nodes by shard and lists children of a parent', async () => {
    const made = await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'child', shard: 's1', parent_node: 'later' } });
    expect(made.status).toBe(201);
    expect((await h.call({ method: 'GET', url: '/v1/shards' })).body).toEqual({ shards: [{ name: 's1', count: 1 }] });
    expect((await h.call({ method: 'GET', url: '/v1/nodes/later/children' })).body).toEqual({ children: [made.body.uuid] });
    // From 1.83 a child is listed only when asked for.
    const names = async (q: string) => (await h.call({ method: 'GET', url: `/v1/nodes${q}` })).body.nodes.map((n: { name: string }) => n.name).sort();
    expect(await names('')).not.toContain('child');
    expect(await names('?include_children=true')).toContain('child');
    expect(await names('?parent_node=later')).toEqual(['child']);
    expect(await names('?sharded=true')).toEqual([]);
    expect(await names('?sharded=true&include_children=true')).toEqual(['child']);
  });

  it.runIf(since('provision', 'node', 'unhold') <= MAX_VERSION)('answers unhold 400 (never in a hold state) and deploy_steps other than [] 400', async () => {
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/later/states/provision', payload: { target: 'unhold' } })).status).toBe(400);
    await waitFor(h, 'later', (n) => n.reservation === null);
    const steps = await h.call({ method: 'PUT', url: '/v1/nodes/later/states/provision', payload: { target: 'provide', deploy_steps: [] } });
    expect(steps.status).toBe(400);
    expect(fault(steps.body)).toContain('deploy_steps');
    const one = await h.call({ method: 'PUT', url: '/v1/nodes/later/states/provision', payload: { target: 'active', deploy_steps: [{ interface: 'deploy', step: 'x', priority: 1, args: {} }] } });
    expect(one.status).toBe(400);
    expect(fault(one.body)).toContain('deploy.x');
  });
});
