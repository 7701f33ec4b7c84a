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
    const urls = [['PUT', '/v1/nodes/later/states/boot_mode'], ['PUT', '/v1/nodes/later/states/secure_boot'], ['POST', '/v1/nodes/later/vmedia']] as const;
    for (const [method, url] of urls.filter(([, u]) => !u.endsWith('vmedia') || claimed('/v1/nodes/{node}/vmedia'))) {
      const r = await h.call({ method, url, payload: { target: 'uefi' } });
      expect(r.status, url).toBe(400);
      expect(fault(r.body)).toContain('not supported');
    }
    if (claimed('/v1/nodes/{node}/firmware')) expect((await h.call({ method: 'GET', url: '/v1/nodes/later/firmware' })).body).toEqual({ firmware: [] });
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

describe('servicing (1.87)', () => {
  it.runIf(since('provision', 'node', 'service') <= MAX_VERSION)('runs service steps on an active node, which returns to active; refuses unknown steps and wrong states', async () => {
    const put = (payload: Record<string, unknown>) => h.call({ method: 'PUT', url: '/v1/nodes/svc/states/provision?wait=10', payload });
    expect((await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'svc', deploy_interface: 'fake' } })).status).toBe(201);
    const early = await put({ target: 'service', service_steps: [{ interface: 'deploy', step: 'reboot' }] });
    expect(early.status).toBe(400);
    expect(fault(early.body)).toContain('while it is in state "enroll"');
    for (const target of ['manage', 'provide', 'active']) expect((await put({ target })).status).toBe(202);
    await waitFor(h, 'svc', (n) => n.provision_state === 'active' && n.reservation === null);
    expect(fault((await put({ target: 'service' })).body)).toContain('service_steps');
    expect(fault((await put({ target: 'service', service_steps: [] })).body)).toContain('at least one step');
    const unknown = await put({ target: 'service', service_steps: [{ interface: 'deploy', step: 'flash' }] });
    expect(unknown.status).toBe(400);
    expect(fault(unknown.body)).toContain('deploy.reboot');
    expect((await put({ target: 'service', service_steps: [{ interface: 'deploy', step: 'reboot' }] })).status).toBe(202);
    const done = await waitFor(h, 'svc', (n) => n.provision_state === 'active' && n.reservation === null);
    expect(done.driver_internal_info).not.toHaveProperty('service_steps');
    expect(done.power_state).toBe('power on');
    const history = (await h.call({ method: 'GET', url: '/v1/nodes/svc/history' })).body.history.map((e: { event: string }) => e.event);
    expect(history).toContain('serviced');
  });

  it('refuses the service target below 1.87 (406)', async () => {
    const r = await h.call({ method: 'PUT', url: '/v1/nodes/later/states/provision', payload: { target: 'service', service_steps: [] }, version: at(since('provision', 'node', 'service') - 1) });
    expect(r.status).toBe(406);
  });
});

describe('driver fields (1.77)', () => {
  it.runIf(since('query', 'drivers', 'fields') <= MAX_VERSION)('selects fields of the driver list and of one driver', async () => {
    const list = await h.call({ method: 'GET', url: '/v1/drivers?fields=name,default_rescue_interface' });
    expect(list.status).toBe(200);
    expect(list.body.drivers.find((d: { name: string }) => d.name === 'fake-hardware')).toEqual({ name: 'fake-hardware', default_rescue_interface: 'no-rescue', links: expect.any(Array) });
    expect((await h.call({ method: 'GET', url: '/v1/drivers/fake-hardware?fields=name,enabled_rescue_interfaces' })).body).toEqual({ name: 'fake-hardware', enabled_rescue_interfaces: ['fake', 'no-rescue'], links: expect.any(Array) });
    expect((await h.call({ method: 'GET', url: '/v1/drivers?fields=nope' })).status).toBe(400);
  });

  it('refuses ?fields on drivers below 1.77 (406)', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/drivers?fields=name', version: at(since('query', 'drivers', 'fields') - 1) })).status).toBe(406);
  });
});

describe('disable_ramdisk (1.70)', () => {
  it('refuses disable_ramdisk below 1.70 (406) and outside clean/service (400)', async () => {
    const put = (payload: Record<string, unknown>, version?: string) => h.call({ method: 'PUT', url: '/v1/nodes/later/states/provision', payload, version });
    expect((await put({ target: 'clean', clean_steps: [], disable_ramdisk: true }, at(since('behaviour', 'node', 'disable-ramdisk') - 1))).status).toBe(406);
    if (since('behaviour', 'node', 'disable-ramdisk') > MAX_VERSION) return;
    expect((await put({ target: 'provide', disable_ramdisk: true })).status).toBe(400);
    const steps = await put({ target: 'clean', clean_steps: [{ interface: 'deploy', step: 'erase_devices_metadata' }], disable_ramdisk: true });
    expect(steps.status).toBe(400);
  });

  it.runIf(since('provision', 'node', 'service') <= MAX_VERSION)('lets servicing run fake deploy\'s reboot without the ramdisk; the agent\'s erase needs it (400)', async () => {
    await waitFor(h, 'svc', (n) => n.provision_state === 'active' && n.reservation === null);
    const put = (ident: string, payload: Record<string, unknown>) => h.call({ method: 'PUT', url: `/v1/nodes/${ident}/states/provision?wait=10`, payload });
    expect((await put('svc', { target: 'service', service_steps: [{ interface: 'deploy', step: 'reboot' }], disable_ramdisk: true })).status).toBe(202);
    await waitFor(h, 'svc', (n) => n.provision_state === 'active' && n.reservation === null);
    expect((await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'agentclean' } })).status).toBe(201);
    expect((await put('agentclean', { target: 'manage' })).status).toBe(202);
    await waitFor(h, 'agentclean', (n) => n.provision_state === 'manageable' && n.reservation === null);
    const erase = await put('agentclean', { target: 'clean', clean_steps: [{ interface: 'deploy', step: 'erase_devices_metadata' }], disable_ramdisk: true });
    expect(erase.status).toBe(400);
    expect(fault(erase.body)).toContain('requires the ramdisk');
  });
});
