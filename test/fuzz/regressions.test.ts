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
});
