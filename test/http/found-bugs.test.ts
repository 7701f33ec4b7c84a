// Regressions of bugs found by trying ironplan as a new user would (issue 8), through the HTTP API:
// refusals that kept the lock, locks of dead conductors, heartbeats in maintenance, abort and tokens,
// interrupted applies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKSUM, fault, startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness({}, { heartbeatIntervalSec: 0.2, settings: { automatedClean: false } })));
afterAll(async () => h.close());

const get = async (ident: string) => (await h.call({ method: 'GET', url: `/v1/nodes/${ident}` })).body;
const provision = (ident: string, payload: Record<string, unknown>) => h.call({ method: 'PUT', url: `/v1/nodes/${ident}/states/provision`, payload });
const image = [
  { op: 'add', path: '/instance_info/image_source', value: 'http://images/img.raw' },
  { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM },
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function available(name: string, extra: Record<string, unknown> = {}) {
  const created = await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name, ...extra } });
  expect(created.status).toBe(201);
  expect((await provision(name, { target: 'manage' })).status).toBe(202);
  await waitFor(h, name, (n) => n.provision_state === 'manageable' && n.reservation === null);
  expect((await provision(name, { target: 'provide' })).status).toBe(202);
  await waitFor(h, name, (n) => n.provision_state === 'available' && n.reservation === null);
  expect((await h.call({ method: 'PATCH', url: `/v1/nodes/${name}`, payload: image })).status).toBe(200);
  return created.body as { uuid: string };
}

async function active(name: string, driverInfo: Record<string, unknown> = {}) {
  const n = await available(name, { driver_info: driverInfo });
  expect((await provision(name, { target: 'active' })).status).toBe(202);
  await waitFor(h, name, (x) => x.provision_state === 'active' && x.reservation === null);
  return n;
}

describe('a refused request releases what it took', () => {
  it('DELETE of an active node: 409 (as Ironic), then maintenance, PATCH and undeploy work', async () => {
    await active('del-active');
    const r = await h.call({ method: 'DELETE', url: '/v1/nodes/del-active' });
    expect(r.status).toBe(409);
    expect(fault(r.body)).toMatch(/provision state "active"/);
    expect((await get('del-active')).reservation).toBeNull();
    expect((await h.call({ method: 'PATCH', url: '/v1/nodes/del-active', payload: [{ op: 'add', path: '/extra/x', value: 1 }] })).status).toBe(200);
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/del-active/maintenance', payload: { reason: 'check' } })).status).toBe(202);
    expect((await h.call({ method: 'DELETE', url: '/v1/nodes/del-active/maintenance' })).status).toBe(202);
    expect((await provision('del-active', { target: 'deleted' })).status).toBe(202);
    await waitFor(h, 'del-active', (n) => n.provision_state === 'available' && n.reservation === null);
  });

  it('DELETE of a node in wait call-back: 409, and the agent\'s heartbeats still reach it', async () => {
    await available('del-wait', { driver_info: { fake_agent_delay_ms: 1200 } });
    expect((await provision('del-wait', { target: 'active' })).status).toBe(202);
    await waitFor(h, 'del-wait', (n) => n.provision_state === 'wait call-back');
    expect((await h.call({ method: 'DELETE', url: '/v1/nodes/del-wait' })).status).toBe(409);
    expect((await get('del-wait')).reservation).toBeNull();
    // The simulated agent wakes after 1.2 s and heartbeats: a held lock would have refused it (409).
    await waitFor(h, 'del-wait', (n) => n.provision_state === 'active' && n.reservation === null, 15_000);
  });

  it('every other refusal leaves the node unlocked', async () => {
    const { uuid } = await active('refusals');
    const refusals: Array<[string, Parameters<Harness['call']>[0], number]> = [
      ['change the driver of an active node', { method: 'PATCH', url: '/v1/nodes/refusals', payload: [{ op: 'replace', path: '/boot_interface', value: 'ipxe' }] }, 400],
      ['a verb the state does not allow', { method: 'PUT', url: '/v1/nodes/refusals/states/provision', payload: { target: 'manage' } }, 400],
      ['an unknown power target', { method: 'PUT', url: '/v1/nodes/refusals/states/power', payload: { target: 'power sideways' } }, 400],
      ['an unsupported boot device', { method: 'PUT', url: '/v1/nodes/refusals/management/boot_device', payload: { boot_device: 'floppy' } }, 400],
      ['an unknown vendor method', { method: 'POST', url: '/v1/nodes/refusals/vendor_passthru?method=nope', payload: {} }, 400],
      ['a bad JSON patch', { method: 'PATCH', url: '/v1/nodes/refusals', payload: [{ op: 'replace', path: '/provision_state', value: 'available' }] }, 400],
      ['a heartbeat with a wrong token', { method: 'POST', url: `/v1/heartbeat/${uuid}`, payload: { agent_token: 'wrong', agent_status: 'ready', agent_version: 'x' } }, 401],
    ];
    for (const [what, req, status] of refusals) {
      const r = await h.call(req);
      expect(r.status, what).toBe(status);
      expect((await get('refusals')).reservation, `${what} left the node locked`).toBeNull();
    }
    // In maintenance, hardware verbs are refused; the refusal leaves it unlocked too.
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/refusals/maintenance', payload: { reason: 'x' } })).status).toBe(202);
    expect((await provision('refusals', { target: 'rebuild' })).status).toBe(400);
    expect((await get('refusals')).reservation).toBeNull();
  });
});

describe('locks of a conductor that died are released while the service runs', () => {
  it('a node locked by a dead process is released and its interrupted deploy fails with a reason', async () => {
    const { uuid } = await available('orphan');
    // A conductor on another host that stopped heartbeating long ago left the node mid-deploy.
    const long = new Date(Date.now() - 3600_000).toISOString();
    await h.engine.store.transaction((tx) => tx.upsertConductor({ id: 'gone-host:4242:abcdef', hostname: 'gone-host', started_at: long, heartbeat_at: long, online: true }));
    await h.engine.store.transaction(async (tx) => {
      const n = await tx.getNode(uuid);
      await tx.updateNode(uuid, n.version, { reservation: 'gone-host:4242:abcdef', provision_state: 'deploying', target_provision_state: 'active' }, n);
    });
    const n = await waitFor(h, 'orphan', (x) => x.reservation === null, 5000);
    expect(n.provision_state).toBe('deploy failed');
    expect(n.last_error).toMatch(/interrupted/);
  });
});

describe('maintenance stops a deploy in progress', () => {
  it('heartbeats are not acted on in maintenance; the deploy goes on once it is lifted', async () => {
    const { uuid } = await available('maint', { driver_info: { fake_agent_delay_ms: 600 } });
    expect((await provision('maint', { target: 'active' })).status).toBe(202);
    await waitFor(h, 'maint', (n) => n.provision_state === 'wait call-back');
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/maint/maintenance', payload: { reason: 'hands off' } })).status).toBe(202);
    const since = (await h.engine.nodes.listEvents({ node_uuid: uuid })).at(-1)!.id;
    await sleep(2000); // the simulated agent has been heartbeating for 1.4 s
    const held = await get('maint');
    expect(held.provision_state).toBe('wait call-back');
    const during = await h.engine.nodes.listEvents({ node_uuid: uuid, after: since });
    expect(during.filter((e) => e.type === 'power' || e.type === 'progress' || e.type === 'provision')).toEqual([]);
    expect((await h.call({ method: 'DELETE', url: '/v1/nodes/maint/maintenance' })).status).toBe(202);
    const done = await waitFor(h, 'maint', (n) => n.provision_state === 'active' && n.reservation === null, 15_000);
    expect(done.maintenance).toBe(false);
  });
});

describe('abort ends the agent\'s part', () => {
  it('the aborted flow\'s token is revoked and its boot can not look up the next flow\'s token', async () => {
    // deploy_interface agent: nothing simulates the agent, the test plays it.
    const { uuid } = await available('abort-tok', { deploy_interface: 'agent' });
    await h.call({ method: 'POST', url: '/v1/ports', payload: { node_uuid: uuid, address: '52:54:00:aa:bb:01' } });
    expect((await provision('abort-tok', { target: 'active' })).status).toBe(202);
    const first = await waitFor(h, 'abort-tok', (n) => n.provision_state === 'wait call-back' && n.reservation === null);
    const oldBoot = first.driver_internal_info.agent_boot_id as string;
    expect(oldBoot).toMatch(/^[\w-]+$/);
    const lookup = (bootId: string) => h.call({ method: 'GET', url: `/v1/lookup?addresses=52:54:00:aa:bb:01&boot_id=${bootId}` });
    const oldToken = (await lookup(oldBoot)).body.config.agent_token as string;
    expect(oldToken).not.toBe('******');

    expect((await provision('abort-tok', { target: 'abort' })).status).toBe(202);
    const aborted = await waitFor(h, 'abort-tok', (n) => n.provision_state === 'deploy failed' && n.reservation === null);
    expect(aborted.driver_internal_info).not.toHaveProperty('agent_secret_token');
    const beat = (token: string) => h.call({ method: 'POST', url: `/v1/heartbeat/${uuid}`, payload: { agent_token: token, agent_status: 'ready', agent_version: 'x' } });
    expect((await beat(oldToken)).status).toBe(401);

    expect((await provision('abort-tok', { target: 'active' })).status).toBe(202);
    const second = await waitFor(h, 'abort-tok', (n) => n.provision_state === 'wait call-back' && n.reservation === null);
    const newBoot = second.driver_internal_info.agent_boot_id as string;
    expect(newBoot).not.toBe(oldBoot);
    // The old boot's agent comes back: it neither gets the new token nor may act with its own.
    expect((await lookup(oldBoot)).status).toBe(404);
    expect((await beat(oldToken)).status).toBe(401);
    // The new boot's agent gets the token and is obeyed.
    const newToken = (await lookup(newBoot)).body.config.agent_token as string;
    expect(newToken).not.toBe('******');
    expect((await beat(newToken)).body.command).toBe('write_image');
  });

  it('with the simulated agent: abort, deploy again, and the new deploy completes', async () => {
    await available('abort-sim', { driver_info: { fake_agent_delay_ms: 300 } });
    for (let run = 0; run < 4; run++) {
      expect((await provision('abort-sim', { target: 'active' })).status).toBe(202);
      await waitFor(h, 'abort-sim', (n) => n.provision_state === 'wait call-back' && n.reservation === null);
      expect((await provision('abort-sim', { target: 'abort' })).status).toBe(202);
      await waitFor(h, 'abort-sim', (n) => n.provision_state === 'deploy failed' && n.reservation === null);
    }
    expect((await provision('abort-sim', { target: 'active' })).status).toBe(202);
    const done = await waitFor(h, 'abort-sim', (n) => n.provision_state === 'active' && n.reservation === null, 15_000);
    expect(done.last_error).toBeNull();
  });
});
