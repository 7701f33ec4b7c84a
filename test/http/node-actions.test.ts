import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKSUM, fault, startHarness, waitFor, type Harness } from './helpers.js';
import { MAX_VERSION } from '../../engine/http/versions-table.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

const create = (payload: Record<string, unknown>) => h.call({ method: 'POST', url: '/v1/nodes', payload });
const provision = (ident: string, payload: Record<string, unknown>) => h.call({ method: 'PUT', url: `/v1/nodes/${ident}/states/provision`, payload });
const power = (ident: string, target: string) => h.call({ method: 'PUT', url: `/v1/nodes/${ident}/states/power`, payload: { target } });

async function available(name: string, driverInfo: Record<string, unknown> = {}) {
  await create({ driver: 'fake-hardware', name, driver_info: driverInfo });
  expect((await provision(name, { target: 'manage' })).status).toBe(202);
  await waitFor(h, name, (n) => n.provision_state === 'manageable');
  expect((await provision(name, { target: 'provide' })).status).toBe(202);
  return waitFor(h, name, (n) => n.provision_state === 'available');
}

describe('power', () => {
  it('accepts power on/off/reboot with 202 and Location, and the node follows', async () => {
    await create({ driver: 'fake-hardware', name: 'pw' });
    const on = await power('pw', 'power on');
    expect(on.status).toBe(202);
    expect(on.headers.location).toMatch(/\/v1\/nodes\/[0-9a-f-]+\/states$/);
    await waitFor(h, 'pw', (n) => n.power_state === 'power on' && n.target_power_state === null);
    expect((await power('pw', 'power off')).status).toBe(202);
    await waitFor(h, 'pw', (n) => n.power_state === 'power off');
    expect((await power('pw', 'rebooting')).status).toBe(202);
    await waitFor(h, 'pw', (n) => n.power_state === 'power on' && n.reservation === null);
    const states = await h.call({ method: 'GET', url: '/v1/nodes/pw/states' });
    expect(states.body).toMatchObject({ power_state: 'power on', provision_state: 'enroll', target_power_state: null, console_enabled: false });
  });

  it('refuses unknown targets with 400 (soft power: test/http/soft-power.test.ts)', async () => {
    expect(fault((await power('pw', 'power sideways')).body)).toContain('target');
  });

  it('answers 409 NodeLocked while another operation holds the node', async () => {
    await create({ driver: 'fake-hardware', name: 'slow', driver_info: { fake_power_delay_ms: 600 } });
    expect((await power('slow', 'power on')).status).toBe(202);
    const second = await power('slow', 'power off');
    expect(second.status).toBe(409);
    expect(fault(second.body)).toContain('locked');
    await waitFor(h, 'slow', (n) => n.reservation === null);
  });

  it('records a failed power change as last_error', async () => {
    await create({ driver: 'fake-hardware', name: 'broken', driver_info: { fake_fail: 'power' } });
    expect((await power('broken', 'power on')).status).toBe(202);
    const n = await waitFor(h, 'broken', (x) => x.last_error !== null);
    expect(n.last_error).toContain('power');
  });
});

describe('provision', () => {
  it('runs manage → provide → active (fake agent) → deleted, configdrive masked', async () => {
    await available('prov');
    await h.call({ method: 'PATCH', url: '/v1/nodes/prov', payload: [
      { op: 'add', path: '/instance_info/image_source', value: 'http://images/img.raw' },
      { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM },
    ] });
    const d = await provision('prov', { target: 'active', configdrive: 'H4sI-secret' });
    expect(d.status).toBe(202);
    const active = await waitFor(h, 'prov', (n) => n.provision_state === 'active');
    expect(active.power_state).toBe('power on');
    expect(active.instance_info.configdrive).toBe('******');
    expect(active.driver_internal_info.agent_secret_token).toBe('******');
    expect((await provision('prov', { target: 'deleted' })).status).toBe(202);
    const back = await waitFor(h, 'prov', (n) => n.provision_state === 'available');
    expect(back.instance_info).toEqual({});
  });

  it('rejects an invalid transition naming state and verb; deploy/undeploy are 1.73 targets (406 until claimed)', async () => {
    await create({ driver: 'fake-hardware', name: 'enrolled' });
    const r = await provision('enrolled', { target: 'active' });
    expect(r.status).toBe(400);
    // In Ironic's words: the action as the request named it, the node, and its state.
    expect(fault(r.body)).toMatch(/^The requested action "active" can not be performed on node "[0-9a-f-]{36}" while it is in state "enroll"\./);
    for (const target of ['deploy', 'undeploy']) {
      const below = await h.call({ method: 'PUT', url: '/v1/nodes/enrolled/states/provision', payload: { target }, version: `1.${Math.min(72, MAX_VERSION)}` });
      expect(below.status, target).toBe(406);
      expect(fault(below.body)).toContain('1.73');
      // Once claimed, the alias is its verb: refused here for the state, as "active" is.
      if (MAX_VERSION >= 73) expect((await provision('enrolled', { target })).status, target).toBe(400);
    }
  });

  it('fails a deploy without image fields, recorded as last_error', async () => {
    await available('noimg');
    expect((await provision('noimg', { target: 'active' })).status).toBe(202);
    const n = await waitFor(h, 'noimg', (x) => x.provision_state === 'deploy failed');
    expect(n.last_error).toContain('image_source');
  });

  it.each([
    [{ target: 'adopt' }, 'while it is in state "enroll"'],
    [{ target: 'fly' }, 'not a valid provision target'],
    [{ target: 'clean' }, 'clean_steps'],
    [{ target: 'provide', clean_steps: [] }, 'clean_steps'],
    [{ target: 'manage', configdrive: 'x' }, 'configdrive'],
  ])('refuses %j with 400', async (body, needle) => {
    const r = await provision('enrolled', body);
    expect(r.status).toBe(400);
    expect(fault(r.body)).toContain(needle);
  });

  it('aborts a deploy waiting for its agent', async () => {
    await available('waiting', { fake_fail: 'agent_timeout' });
    await h.call({ method: 'PATCH', url: '/v1/nodes/waiting', payload: [
      { op: 'add', path: '/instance_info/image_source', value: 'http://images/img.raw' },
      { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM },
    ] });
    await provision('waiting', { target: 'active' });
    await waitFor(h, 'waiting', (n) => n.provision_state === 'wait call-back');
    expect((await provision('waiting', { target: 'abort' })).status).toBe(202);
    await waitFor(h, 'waiting', (n) => n.provision_state === 'deploy failed');
  });

  it('runs a manual clean with clean_steps: the erase boots the agent, an empty list only cleans out of band', async () => {
    await create({ driver: 'fake-hardware', name: 'cleanme' });
    await provision('cleanme', { target: 'manage' });
    await waitFor(h, 'cleanme', (n) => n.provision_state === 'manageable');
    const movesOf = async () => {
      const uuid = (await h.call({ method: 'GET', url: '/v1/nodes/cleanme' })).body.uuid as string;
      return (await h.engine.nodes.listEvents({ node_uuid: uuid })).filter((e) => e.type === 'provision').map((e) => `${e.from}->${e.to}`);
    };
    expect((await provision('cleanme', { target: 'clean', clean_steps: [{ interface: 'deploy', step: 'erase_devices_metadata' }] })).status).toBe(202);
    await waitFor(h, 'cleanme', (n) => n.provision_state === 'manageable' && n.reservation === null);
    expect((await movesOf()).slice(-4)).toEqual(['manageable->cleaning', 'cleaning->clean wait', 'clean wait->cleaning', 'cleaning->manageable']);
    expect((await provision('cleanme', { target: 'clean', clean_steps: [] })).status).toBe(202);
    await waitFor(h, 'cleanme', (n) => n.provision_state === 'manageable' && n.reservation === null);
    expect((await movesOf()).slice(-2)).toEqual(['manageable->cleaning', 'cleaning->manageable']);
    const n = (await h.call({ method: 'GET', url: '/v1/nodes/cleanme' })).body;
    expect(n.driver_internal_info).not.toHaveProperty('clean_steps');
  });

  it('refuses a clean step the node cannot run, naming it and what is supported; the node stays put', async () => {
    await create({ driver: 'fake-hardware', name: 'shred' });
    await provision('shred', { target: 'manage' });
    await waitFor(h, 'shred', (n) => n.provision_state === 'manageable');
    const r = await provision('shred', { target: 'clean', clean_steps: [{ interface: 'deploy', step: 'erase_devices_metadata' }, { interface: 'deploy', step: 'erase_devices' }] });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toBe('clean_steps[1]: step "erase_devices" of interface "deploy" is not supported by deploy interface "fake-agent" (supported: deploy.erase_devices_metadata)');
    const bad = await provision('shred', { target: 'clean', clean_steps: [{ step: 'erase_devices_metadata' }] });
    expect(bad.status).toBe(400);
    expect(fault(bad.body)).toContain('interface');
    const n = (await h.call({ method: 'GET', url: '/v1/nodes/shred' })).body;
    expect(n.provision_state).toBe('manageable');
    expect(n.reservation).toBeNull();
  });

});

describe('management, validate, maintenance', () => {
  it('sets and reads the boot device; lists the supported ones', async () => {
    await create({ driver: 'fake-hardware', name: 'boot' });
    const put = await h.call({ method: 'PUT', url: '/v1/nodes/boot/management/boot_device', payload: { boot_device: 'pxe', persistent: true } });
    expect(put.status).toBe(204);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/boot/management/boot_device' })).body).toEqual({ boot_device: 'pxe', persistent: true });
    expect((await h.call({ method: 'GET', url: '/v1/nodes/boot/management/boot_device/supported' })).body.supported_boot_devices).toContain('disk');
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/boot/management/boot_device', payload: { boot_device: 'floppy' } })).status).toBe(400);
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/boot/management/boot_device', payload: { boot_device: 'disk', persistent: 'yes' } })).status).toBe(400);
  });

  it('validates every interface, Ironic kinds included', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/nodes/boot/validate' });
    expect(r.status).toBe(200);
    expect(r.body.power).toEqual({ result: true, reason: null });
    // Ironic's set (every interface but vendor) and its words for a "none" interface.
    expect(r.body.console).toEqual({ result: false, reason: 'Driver fake-hardware does not support console (disabled or not implemented).' });
    expect(Object.keys(r.body)).toEqual(['bios', 'boot', 'console', 'deploy', 'inspect', 'management', 'network', 'power', 'raid', 'rescue', 'storage']);
  });

  it('puts a node in and out of maintenance; maintenance refuses deploys', async () => {
    await available('maint');
    const on = await h.call({ method: 'PUT', url: '/v1/nodes/maint/maintenance', payload: { reason: 'disk swap' } });
    expect(on.status).toBe(202);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/maint' })).body).toMatchObject({ maintenance: true, maintenance_reason: 'disk swap' });
    const refused = await provision('maint', { target: 'active' });
    expect(refused.status).toBe(400);
    expect(fault(refused.body)).toContain('maintenance');
    expect((await h.call({ method: 'DELETE', url: '/v1/nodes/maint/maintenance' })).status).toBe(202);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/maint' })).body).toMatchObject({ maintenance: false, maintenance_reason: null });
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/maint/maintenance', payload: { reason: 5 } })).status).toBe(400);
  });
});

describe('vendor passthru', () => {
  it('lists methods and calls them by query or path', async () => {
    await create({ driver: 'fake-hardware', name: 'vend' });
    const m = await h.call({ method: 'GET', url: '/v1/nodes/vend/vendor_passthru/methods' });
    expect(m.body.echo).toMatchObject({ http_methods: ['GET', 'POST'], async: false, attach: false });
    const q = await h.call({ method: 'POST', url: '/v1/nodes/vend/vendor_passthru?method=echo', payload: { a: 1 } });
    expect(q.body).toEqual({ method: 'POST', body: { a: 1 } });
    const p = await h.call({ method: 'POST', url: '/v1/nodes/vend/vendor_passthru/simulate_power_change', payload: { power_state: 'power on' } });
    expect(p.body).toEqual({ power_state: 'power on' });
  });

  it('refuses unknown methods, wrong HTTP methods and a missing name', async () => {
    expect((await h.call({ method: 'POST', url: '/v1/nodes/vend/vendor_passthru/nope' })).status).toBe(400);
    expect((await h.call({ method: 'DELETE', url: '/v1/nodes/vend/vendor_passthru/echo' })).status).toBe(400);
    expect((await h.call({ method: 'POST', url: '/v1/nodes/vend/vendor_passthru' })).status).toBe(400);
    expect((await h.call({ method: 'POST', url: '/v1/nodes/vend/vendor_passthru/simulate_power_change', payload: { power_state: 'x' } })).status).toBe(400);
  });
});

describe('traits', () => {
  it('adds, lists, replaces and removes traits', async () => {
    await create({ driver: 'fake-hardware', name: 'tr' });
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/tr/traits/CUSTOM_GPU' })).status).toBe(204);
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/tr/traits/CUSTOM_GPU' })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/tr/traits' })).body).toEqual({ traits: ['CUSTOM_GPU'] });
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/tr/traits', payload: { traits: ['CUSTOM_B', 'CUSTOM_A'] } })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/tr' })).body.traits).toEqual(['CUSTOM_A', 'CUSTOM_B']);
    expect((await h.call({ method: 'DELETE', url: '/v1/nodes/tr/traits/CUSTOM_A' })).status).toBe(204);
    expect((await h.call({ method: 'DELETE', url: '/v1/nodes/tr/traits/CUSTOM_A' })).status).toBe(404);
    expect((await h.call({ method: 'DELETE', url: '/v1/nodes/tr/traits' })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/tr/traits' })).body).toEqual({ traits: [] });
  });

  it('refuses invalid traits', async () => {
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/tr/traits/lower_case' })).status).toBe(400);
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/tr/traits', payload: { traits: 'CUSTOM_A' } })).status).toBe(400);
  });
});

describe('?wait= (ironplan extension to the 202s)', () => {
  it('answers once the operation has settled, with the node states, so clients need not poll', async () => {
    await create({ driver: 'fake-hardware', name: 'waiter', driver_info: { fake_power_delay_ms: 150 } });
    const managed = await h.call({ method: 'PUT', url: '/v1/nodes/waiter/states/provision?wait=10', payload: { target: 'manage' } });
    expect(managed.status).toBe(202);
    expect(managed.body).toMatchObject({ provision_state: 'manageable', target_provision_state: null, settled: true });
    const on = await h.call({ method: 'PUT', url: '/v1/nodes/waiter/states/power?wait=10', payload: { target: 'power on' } });
    expect(on.body).toMatchObject({ power_state: 'power on', target_power_state: null, settled: true });
    // Without ?wait the answer is Ironic's: 202, no body.
    const off = await power('waiter', 'power off');
    expect(off.status).toBe(202);
    expect(off.body === null || off.body === '' || off.body === undefined).toBe(true);
  });

  it('gives up at the limit and says the operation has not settled', async () => {
    await create({ driver: 'fake-hardware', name: 'slowpoke', driver_info: { fake_power_delay_ms: 1500 } });
    const r = await h.call({ method: 'PUT', url: '/v1/nodes/slowpoke/states/power?wait=0.2', payload: { target: 'power on' } });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ settled: false, target_power_state: 'power on' });
    expect(fault((await h.call({ method: 'PUT', url: '/v1/nodes/slowpoke/states/power?wait=soon', payload: { target: 'power on' } })).body)).toContain('wait');
  });
});

describe("fake-hardware's fake deploy (Ironic's)", () => {
  it('deploys without an image or an agent to active, powered on, and undeploys', async () => {
    const created = await create({ driver: 'fake-hardware', name: 'imageless', deploy_interface: 'fake' });
    expect(created.status).toBe(201);
    expect(created.body.deploy_interface).toBe('fake');
    expect((await provision('imageless', { target: 'manage' })).status).toBe(202);
    await waitFor(h, 'imageless', (n) => n.provision_state === 'manageable' && n.reservation === null);
    expect((await provision('imageless', { target: 'provide' })).status).toBe(202);
    await waitFor(h, 'imageless', (n) => n.provision_state === 'available' && n.reservation === null);
    expect((await provision('imageless', { target: 'active' })).status).toBe(202);
    const active = await waitFor(h, 'imageless', (n) => n.provision_state === 'active' && n.reservation === null);
    expect(active).toMatchObject({ power_state: 'power on', last_error: null });
    expect((await provision('imageless', { target: 'deleted' })).status).toBe(202);
    const back = await waitFor(h, 'imageless', (n) => n.provision_state === 'available' && n.reservation === null);
    expect(back.power_state).toBe('power off');
  });
});
