// POST /v1/plans/dry-run: plans a posted fleet against the records without storing the fleet or the plan,
// so planning never replaces the desired state (nor makes others' stored plans stale), and readers may plan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKSUM, fault, startHarness, type Harness } from './helpers.js';

const admin = { authorization: 'Bearer admin-t' };
const reader = { authorization: 'Bearer reader-t' };
let h: Harness;
beforeAll(async () => (h = await startHarness({ auth: { mode: 'token', tokens: [{ token: 'admin-t', role: 'admin' }, { token: 'reader-t', role: 'reader' }] } })));
afterAll(async () => h.close());

const node = (name: string, extra: Record<string, unknown> = {}) => ({ name, driver: 'fake-hardware', driver_info: {}, resource_class: 'small', ...extra });
const stored = { nodes: [node('p1'), node('p2'), node('p3')], deployments: [{ name: 'web', node_selector: { resource_class: 'small' }, image_source: 'http://img/web.raw', image_checksum: CHECKSUM }] };
// A subset with a change: p1 with other properties, p2 and p3 and the deployment gone.
const subset = { nodes: [node('p1', { properties: { cpus: 8 } })], deployments: [] };

async function applyStored(): Promise<void> {
  const plan = await h.call({ method: 'POST', url: '/v1/plans', headers: admin });
  const apply = await h.call({ method: 'POST', url: `/v1/plans/${plan.body.id}/apply`, headers: admin });
  expect(apply.status).toBe(202);
  for (let i = 0; i < 500; i++) {
    const view = await h.call({ method: 'GET', url: `/v1/applies/${apply.body.apply_id}`, headers: admin });
    if (view.body.status !== 'running') return void expect(view.body.status).toBe('succeeded');
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('apply did not finish');
}

/** A plan without what differs between two plannings of the same inputs. */
const essence = (p: { actions: unknown[]; summary: unknown }) => ({ actions: p.actions, summary: p.summary });

describe('dry-run plan', () => {
  beforeAll(async () => {
    expect((await h.call({ method: 'PUT', url: '/v1/specs', payload: stored, headers: admin })).status).toBe(200);
    await applyStored();
  });

  it('plans a posted subset without touching the stored specs or a pending plan', async () => {
    const before = (await h.call({ method: 'GET', url: '/v1/specs', headers: reader })).body;
    const pending = await h.call({ method: 'POST', url: '/v1/plans', headers: admin });
    const r = await h.call({ method: 'POST', url: '/v1/plans/dry-run', payload: subset, headers: admin });
    expect(r.status, r.text).toBe(200);
    const ops = r.body.actions.map((a: { op: string; name: string }) => `${a.op} ${a.name}`);
    expect(ops).toEqual(expect.arrayContaining(['update p1', 'undeploy web', 'delete p2', 'delete p3']));
    expect((await h.call({ method: 'GET', url: '/v1/specs', headers: reader })).body).toEqual(before);
    // Not stored: it cannot be fetched or applied; the plan made from the stored specs is still current.
    expect((await h.call({ method: 'GET', url: `/v1/plans/${r.body.id}`, headers: admin })).status).toBe(404);
    expect((await h.call({ method: 'POST', url: `/v1/plans/${r.body.id}/apply`, headers: admin })).status).toBe(404);
    const stillCurrent = await h.call({ method: 'POST', url: `/v1/plans/${pending.body.id}/apply`, headers: admin });
    expect(stillCurrent.status, stillCurrent.text).toBe(202);
  });

  it('is open to readers, who still may not store specs or plans', async () => {
    const r = await h.call({ method: 'POST', url: '/v1/plans/dry-run', payload: subset, headers: reader });
    expect(r.status, r.text).toBe(200);
    expect(r.body.summary.actions).toBeGreaterThan(0);
    expect((await h.call({ method: 'POST', url: '/v1/plans/dry-run', payload: subset })).status).toBe(401);
    expect((await h.call({ method: 'POST', url: '/v1/plans/dry-run', payload: subset, headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await h.call({ method: 'POST', url: '/v1/plans', headers: reader })).status).toBe(403);
    expect((await h.call({ method: 'PUT', url: '/v1/specs', payload: subset, headers: reader })).status).toBe(403);
  });

  it('plans exactly what storing the same fleet and planning it would', async () => {
    for (const fleet of [stored, subset, { nodes: [...stored.nodes, node('p4', { ports: [{ address: '52:54:00:00:0a:04' }] })], deployments: stored.deployments }]) {
      const dry = await h.call({ method: 'POST', url: '/v1/plans/dry-run', payload: fleet, headers: reader });
      expect(dry.status, dry.text).toBe(200);
      await h.call({ method: 'PUT', url: '/v1/specs', payload: fleet, headers: admin });
      const real = await h.call({ method: 'POST', url: '/v1/plans', headers: admin });
      expect(essence(dry.body)).toEqual(essence(real.body));
    }
    await h.call({ method: 'PUT', url: '/v1/specs', payload: stored, headers: admin });
  });

  it('refuses a bad fleet as PUT /v1/specs does, naming the field, and stores nothing', async () => {
    const before = (await h.call({ method: 'GET', url: '/v1/specs', headers: reader })).body;
    const r = await h.call({ method: 'POST', url: '/v1/plans/dry-run', payload: { nodes: [{ name: 'x' }] }, headers: reader });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toContain('driver');
    const badInfo = await h.call({ method: 'POST', url: '/v1/plans/dry-run', payload: { nodes: [node('y', { driver_info: { fake_fail: 'often' } })] }, headers: reader });
    expect(badInfo.status).toBe(400);
    expect(fault(badInfo.body)).toContain('fake_fail');
    const dupe = await h.call({ method: 'POST', url: '/v1/plans/dry-run', payload: { nodes: [node('z'), node('z')] }, headers: reader });
    expect(dupe.status).toBe(400);
    expect((await h.call({ method: 'POST', url: '/v1/plans/dry-run', headers: reader })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/specs', headers: reader })).body).toEqual(before);
  });

  it('is in the OpenAPI document with the Fleet body and the Plan reply', async () => {
    const doc = (await h.call({ method: 'GET', url: '/openapi.json' })).body;
    const op = doc.paths['/v1/plans/dry-run']?.post;
    expect(op).toBeTruthy();
    expect(op.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/fleet');
    expect(op.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/plan');
  });
});
