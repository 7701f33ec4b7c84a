// GET /v1/node-states: every node's states in one read, in creation order, with the event id to follow
// the stream from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedAjv } from '../../engine/validation.js';
import { startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  for (const name of ['first', 'second', 'third', 'fourth']) {
    const driver_info = name === 'fourth' ? { fake_fail: 'power' } : {};
    expect((await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name, driver_info } })).status).toBe(201);
  }
  expect((await h.call({ method: 'PUT', url: '/v1/nodes/second/maintenance', payload: { reason: 'disk' } })).status).toBe(202);
  expect((await h.call({ method: 'PUT', url: '/v1/nodes/third/states/power', payload: { target: 'power on' } })).status).toBe(202);
  await waitFor(h, 'third', (n) => n.power_state === 'power on' && n.reservation === null);
});
afterAll(async () => h.close());

describe('GET /v1/node-states', () => {
  it('lists every node in list order with its states, as the schema says', async () => {
    const r = await h.call({ url: '/v1/node-states' });
    expect(r.status).toBe(200);
    expect(sharedAjv().validate('node-states.schema.json', r.body), JSON.stringify(sharedAjv().errors)).toBe(true);
    // The list's order (created_at, then uuid), which the grid keeps: GET /v1/nodes sorts the same way.
    const listed = (await h.call({ url: '/v1/nodes?fields=uuid' })).body.nodes.map((n: { uuid: string }) => n.uuid);
    expect(r.body.nodes.map((n: { uuid: string }) => n.uuid)).toEqual(listed);
    const byName = Object.fromEntries(r.body.nodes.map((n: { name: string }) => [n.name, n]));
    expect(Object.keys(byName).sort()).toEqual(['first', 'fourth', 'second', 'third']);
    expect(byName.second).toMatchObject({ provision_state: 'enroll', maintenance: true, fault: false });
    expect(byName.third).toMatchObject({ power_state: 'power on', maintenance: false });
  });

  it('names the newest event, so that following the stream from it misses nothing', async () => {
    const before = await h.call({ url: '/v1/node-states' });
    const events = (await h.call({ url: `/v1/events?format=json&after=${before.body.event_id}` })).body.events;
    expect(events).toEqual([]);
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/first/states/provision', payload: { target: 'manage' } })).status).toBe(202);
    await waitFor(h, 'first', (n) => n.provision_state === 'manageable' && n.reservation === null);
    const after = (await h.call({ url: `/v1/events?format=json&after=${before.body.event_id}` })).body.events;
    expect(after.map((e: { type: string; to: string }) => `${e.type}:${e.to}`)).toContain('provision:manageable');
    const now = await h.call({ url: '/v1/node-states' });
    expect(now.body.event_id).toBe(after[after.length - 1].id);
    expect(now.body.nodes.find((n: { name: string }) => n.name === 'first').provision_state).toBe('manageable');
  });

  it('marks a node with an error recorded as a fault', async () => {
    // The fourth node's fake BMC refuses power changes: the failure is recorded in last_error.
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/fourth/states/power', payload: { target: 'power on' } })).status).toBe(202);
    await waitFor(h, 'fourth', (n) => n.last_error !== null && n.reservation === null);
    const rows = (await h.call({ url: '/v1/node-states' })).body.nodes as Array<{ name: string; fault: boolean }>;
    expect(rows.filter((n) => n.fault).map((n) => n.name)).toEqual(['fourth']);
  });
});
