// The verbs and node endpoints of API 1.12 to 1.51 through HTTP: rescue and unrescue (1.38), adopt (1.17),
// inject NMI (1.29), BIOS settings (1.40), RAID (1.12) and the console, each refused below its version
// and in a wrong state as Ironic refuses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

const create = (payload: Record<string, unknown>) => h.call({ method: 'POST', url: '/v1/nodes', payload });
const provision = (ident: string, payload: Record<string, unknown>, version?: string) =>
  h.call({ method: 'PUT', url: `/v1/nodes/${ident}/states/provision?wait=10`, payload, version });
const get = (ident: string, version?: string) => h.call({ method: 'GET', url: `/v1/nodes/${ident}`, version });

async function reach(name: string, targets: string[], state: string, extra: Record<string, unknown> = {}): Promise<void> {
  expect((await create({ driver: 'fake-hardware', name, ...extra })).status).toBe(201);
  for (const target of targets) expect((await provision(name, { target })).status, target).toBe(202);
  await waitFor(h, name, (n) => n.provision_state === state && n.reservation === null);
}

describe('rescue and unrescue (1.38)', () => {
  beforeAll(async () => reach('rescuable', ['manage', 'provide', 'active'], 'active', { deploy_interface: 'fake' }));

  it('are refused below 1.38 (406), without a password (400), and from a wrong state (400)', async () => {
    expect((await provision('rescuable', { target: 'rescue', rescue_password: 'pw' }, '1.37')).status).toBe(406);
    for (const body of [{ target: 'rescue' }, { target: 'rescue', rescue_password: '  ' }]) {
      const r = await provision('rescuable', body);
      expect(r.status).toBe(400);
      expect(fault(r.body)).toContain('rescue_password');
    }
    expect((await provision('rescuable', { target: 'active', rescue_password: 'pw' })).status).toBe(400);
    const wrong = await provision('rescuable', { target: 'unrescue' });
    expect(wrong.status).toBe(400);
    expect(fault(wrong.body)).toMatch(/^The requested action "unrescue" can not be performed on node "[0-9a-f-]{36}" while it is in state "active"\./);
  });

  it('rescues a fake-deploy node (password kept masked), then unrescues it back to active (password gone)', async () => {
    expect((await provision('rescuable', { target: 'rescue', rescue_password: 's3cret' })).status).toBe(202);
    const rescued = await waitFor(h, 'rescuable', (n) => n.provision_state === 'rescue' && n.reservation === null);
    expect(rescued.target_provision_state).toBe(null);
    expect(JSON.stringify(rescued)).not.toContain('s3cret');
    expect(rescued.instance_info.rescue_password).toBe('******');
    expect((await h.engine.store.getNode(rescued.uuid)).instance_info.rescue_password).toBe('s3cret');
    // Below 1.38 the state has no other name: Ironic shows "rescue" to every client.
    expect((await get(rescued.uuid, '1.1')).body.provision_state).toBe('rescue');
    expect((await provision('rescuable', { target: 'unrescue' })).status).toBe(202);
    const back = await waitFor(h, 'rescuable', (n) => n.provision_state === 'active' && n.reservation === null);
    expect(back.instance_info).not.toHaveProperty('rescue_password');
    expect(back.power_state).toBe('power on');
  });

  it('answers 400 for a node whose deploy interface has no rescue (the agent path: no-rescue)', async () => {
    await reach('agentpath', ['manage', 'provide'], 'available');
    expect((await get('agentpath')).body.rescue_interface).toBe('no-rescue');
    // Accepted only from active; the support check comes after the state check, as Ironic's conductor does.
    expect(fault((await provision('agentpath', { target: 'rescue', rescue_password: 'pw' })).body)).toContain('can not be performed');
    await h.engine.store.transaction((tx) => tx.getNode('agentpath').then((n) => tx.updateNode(n.uuid, n.version, { provision_state: 'active' })));
    const r = await provision('agentpath', { target: 'rescue', rescue_password: 'pw' });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toContain('rescue is not supported');
    expect((await get('agentpath')).body.provision_state).toBe('active');
  });
});

describe('adopt (1.17)', () => {
  it('makes a manageable node active without a deploy; refused below 1.17 (406) and from enroll (400)', async () => {
    expect((await create({ driver: 'fake-hardware', name: 'adoptee', deploy_interface: 'fake' })).status).toBe(201);
    expect((await provision('adoptee', { target: 'adopt' })).status).toBe(400);
    expect((await provision('adoptee', { target: 'manage' })).status).toBe(202);
    await waitFor(h, 'adoptee', (n) => n.provision_state === 'manageable' && n.reservation === null);
    expect((await provision('adoptee', { target: 'adopt' }, '1.16')).status).toBe(406);
    expect((await provision('adoptee', { target: 'adopt' })).status).toBe(202);
    await waitFor(h, 'adoptee', (n) => n.provision_state === 'active' && n.reservation === null);
  });
});

describe('node endpoints', () => {
  beforeAll(async () => {
    await create({ driver: 'fake-hardware', name: 'endpoints' });
  });

  it('answers an NMI from 1.29 (404 before) as Ironic does for fake-hardware: 400, its management has none', async () => {
    const url = '/v1/nodes/endpoints/management/inject_nmi';
    expect((await h.call({ method: 'PUT', url, payload: {}, version: '1.28' })).status).toBe(404);
    const r = await h.call({ method: 'PUT', url, payload: {}, version: '1.29' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('Driver fake-hardware does not support inject_nmi (disabled or not implemented).');
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/nosuch/management/inject_nmi', payload: {} })).status).toBe(404);
  });

  it('lists BIOS settings from 1.40 (404 before): none cached', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/nodes/endpoints/bios', version: '1.39' })).status).toBe(404);
    const r = await h.call({ method: 'GET', url: '/v1/nodes/endpoints/bios', version: '1.40' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ bios: [] });
    expect((await h.call({ method: 'GET', url: '/v1/nodes/endpoints/bios/ProcVirtualization' })).status).toBe(404);
  });

  it('answers RAID and console as Ironic answers no-raid and no-console nodes', async () => {
    const raid = await h.call({ method: 'PUT', url: '/v1/nodes/endpoints/states/raid', payload: { logical_disks: [] } });
    expect(raid.status).toBe(400);
    expect(fault(raid.body)).toContain('raid');
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/endpoints/states/raid', payload: {}, version: '1.11' })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/endpoints/states/console' })).body).toEqual({ console_enabled: false, console_info: null });
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/endpoints/states/console', payload: { enabled: true } })).status).toBe(400);
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/endpoints/states/console', payload: { enabled: false } })).status).toBe(202);
  });
});
