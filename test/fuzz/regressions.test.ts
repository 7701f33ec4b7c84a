// Bugs the fuzzers found, each pinned where it was fixed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../http/helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

describe('found by fuzzing', () => {
  it('DELETE of a spec that does not exist (404) leaves a plan made before it current', async () => {
    expect((await h.call({ method: 'PUT', url: '/v1/specs', payload: { nodes: [], deployments: [] } })).status).toBe(200);
    const plan = await h.call({ method: 'POST', url: '/v1/plans' });
    expect(plan.status).toBe(201);
    expect((await h.call({ method: 'DELETE', url: '/v1/specs/nodes/no-such-spec' })).status).toBe(404);
    expect((await h.call({ method: 'DELETE', url: '/v1/specs/deployments/no-such-spec' })).status).toBe(404);
    const apply = await h.call({ method: 'POST', url: `/v1/plans/${plan.body.id}/apply` });
    expect(apply.status, apply.text).toBe(202);
  });

  it('a vendor passthru method named like an Object property (__proto__, constructor) is a 400, not a 500', async () => {
    expect((await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'vp' } })).status).toBe(201);
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      for (const method of ['GET', 'HEAD', 'POST'] as const) {
        const r = await h.call({ method, url: `/v1/nodes/vp/vendor_passthru/${name}` });
        expect(r.status, `${method} ${name}: ${r.text}`).toBe(400);
      }
      expect((await h.call({ method: 'GET', url: `/v1/nodes/vp/vendor_passthru?method=${name}` })).status).toBe(400);
      // The same at the driver level (found again by the fuzzer once driver-level passthru existed).
      const d = await h.call({ method: 'GET', url: `/v1/drivers/fake-hardware/vendor_passthru/${name}`, headers: { 'X-OpenStack-Ironic-API-Version': '1.37' } });
      expect(d.status, `driver ${name}: ${d.text}`).toBe(400);
    }
  });
});
