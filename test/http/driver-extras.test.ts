// Driver-level vendor passthru (API 1.1) through the manager that has the hardware type, and the RAID
// logical disk properties (1.12), against a real engine with the built-in drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

describe('driver vendor passthru', () => {
  it('lists the default vendor interface\'s driver methods', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/drivers/fake-hardware/vendor_passthru/methods', version: '1.1' });
    expect(r.status).toBe(200);
    expect(r.body.fake_driver_method).toMatchObject({ async: false, attach: false, http_methods: ['GET', 'POST'] });
    expect((await h.call({ method: 'GET', url: '/v1/drivers/ipmi/vendor_passthru/methods' })).body).toEqual({});
    expect((await h.call({ method: 'GET', url: '/v1/drivers/nope/vendor_passthru/methods' })).status).toBe(404);
  });

  it('calls a method by ?method= and by path, with the body handed over as is', async () => {
    const q = await h.call({ method: 'POST', url: '/v1/drivers/fake-hardware/vendor_passthru?method=fake_driver_method', payload: { a: 1 } });
    expect(q.status).toBe(200);
    expect(q.body).toEqual({ method: 'POST', body: { a: 1 } });
    const p = await h.call({ method: 'GET', url: '/v1/drivers/fake-hardware/vendor_passthru/fake_driver_method' });
    expect(p.body).toEqual({ method: 'GET', body: null });
  });

  it('refuses an unknown method, a method not taking the HTTP verb, and no method (400)', async () => {
    const unknown = await h.call({ method: 'POST', url: '/v1/drivers/fake-hardware/vendor_passthru/nope', payload: {} });
    expect(unknown.status).toBe(400);
    expect(fault(unknown.body)).toContain('fake_driver_method');
    expect((await h.call({ method: 'DELETE', url: '/v1/drivers/fake-hardware/vendor_passthru/fake_driver_method' })).status).toBe(400);
    expect((await h.call({ method: 'POST', url: '/v1/drivers/fake-hardware/vendor_passthru', payload: {} })).status).toBe(400);
  });
});

describe('RAID logical disk properties', () => {
  it('lists what a logical disk may say, from 1.12 (404 before)', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/drivers/fake-hardware/raid/logical_disk_properties', version: '1.12' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['controller', 'disk_type', 'interface_type', 'is_root_volume', 'number_of_physical_disks', 'physical_disks', 'raid_level', 'share_physical_disks', 'size_gb', 'volume_name']);
    expect(r.body.raid_level).toMatch(/^RAID level for the logical disk/);
    expect((await h.call({ method: 'GET', url: '/v1/drivers/fake-hardware/raid/logical_disk_properties', version: '1.11' })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: '/v1/drivers/nope/raid/logical_disk_properties' })).status).toBe(404);
  });
});
