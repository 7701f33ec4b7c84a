// POST /v1/events (Ironic API 1.54): network events are validated as Ironic validates them and answered
// 204; the event log stays readable at GET /v1/events and /v1/events/stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

const EVENT = { event: 'network.bind_port', port_id: '11111111-2222-4333-8444-555555555555', mac_address: '52:54:00:12:34:56', status: 'ACTIVE', device_id: null, 'binding:host_id': null, 'binding:vnic_type': 'baremetal' };
const post = (payload: unknown, version = 'latest') => h.call({ method: 'POST', url: '/v1/events', payload: payload as object, version });

describe('POST /v1/events', () => {
  it('accepts network events from 1.54 (204) and is 404 before', async () => {
    expect((await post({ events: [EVENT, { ...EVENT, event: 'network.unbind_port' }, { ...EVENT, event: 'network.delete_port' }] })).status).toBe(204);
    expect((await post({ events: [EVENT] }, '1.54')).status).toBe(204);
    expect((await post({ events: [EVENT] }, '1.53')).status).toBe(404);
  });

  it('refuses what Ironic refuses, naming the field (400)', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'events'],
      [{ events: [] }, 'events'],
      [{ events: [EVENT], extra: 1 }, 'extra'],
      [{ events: [{ ...EVENT, event: 'network.other' }] }, 'event'],
      [{ events: [{ ...EVENT, port_id: 'not-a-uuid' }] }, 'port_id'],
      [{ events: [{ ...EVENT, mac_address: 'zz' }] }, 'mac_address'],
      [{ events: [{ ...EVENT, unknown: 1 }] }, 'unknown'],
      [{ events: [{ event: 'network.bind_port', port_id: EVENT.port_id, mac_address: EVENT.mac_address }] }, 'status'],
    ];
    for (const [body, field] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(fault(r.body), JSON.stringify(body)).toContain(field);
    }
  });

  it('keeps the event log at GET /v1/events and /v1/events/stream; /v1 lists events from 1.54', async () => {
    await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'ev' } });
    const old = await h.call({ method: 'GET', url: '/v1/events?format=json', version: null });
    const now = await h.call({ method: 'GET', url: '/v1/events/stream?format=json', version: null });
    expect(old.status).toBe(200);
    expect(now.body.events.length).toBeGreaterThan(0);
    expect(now.body).toEqual(old.body);
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.54' })).body.events).toBeDefined();
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.53' })).body.events).toBeUndefined();
  });
});
