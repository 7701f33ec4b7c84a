import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { CHECKSUM, fault, startHarness, type Harness } from './helpers.js';
import { MAX_VERSION } from '../../engine/http/versions-table.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

const nodeSpec = (name: string, extra: Record<string, unknown> = {}) => ({ name, driver: 'fake-hardware', driver_info: {}, properties: { cpus: 2 }, ...extra });

describe('specs', () => {
  it('replaces and returns the whole desired set', async () => {
    const put = await h.call({ method: 'PUT', url: '/v1/specs', payload: { nodes: [nodeSpec('d1'), nodeSpec('d2')], deployments: [] } });
    expect(put.status).toBe(200);
    const get = await h.call({ method: 'GET', url: '/v1/specs' });
    expect(get.body.nodes.map((n: any) => n.name)).toEqual(['d1', 'd2']);
  });

  it('refuses a Fleet the shared schema rejects, naming the field', async () => {
    const r = await h.call({ method: 'PUT', url: '/v1/specs', payload: { nodes: [{ name: 'x' }] } });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toContain('driver');
    expect((await h.call({ method: 'PUT', url: '/v1/specs', payload: { machines: [] } })).status).toBe(400);
  });

  it('puts and deletes one node spec and one deployment spec', async () => {
    expect((await h.call({ method: 'PUT', url: '/v1/specs/nodes/d3', payload: nodeSpec('d3') })).status).toBe(200);
    expect((await h.call({ method: 'PUT', url: '/v1/specs/nodes/d4', payload: { driver: 'fake-hardware' } })).body.name).toBe('d4');
    expect((await h.call({ method: 'PUT', url: '/v1/specs/nodes/d3', payload: nodeSpec('other') })).status).toBe(400);
    expect((await h.call({ method: 'PUT', url: '/v1/specs/nodes/d5', payload: { driver: 'fake-hardware', driver_info: { fake_fail: 'often' } } })).status).toBe(400);
    expect((await h.call({ method: 'DELETE', url: '/v1/specs/nodes/d4' })).status).toBe(204);
    expect((await h.call({ method: 'DELETE', url: '/v1/specs/nodes/d4' })).status).toBe(404);
    const dep = await h.call({ method: 'PUT', url: '/v1/specs/deployments/web', payload: { node: 'd1', image_source: 'http://images/web.raw', image_checksum: CHECKSUM } });
    expect(dep.status).toBe(200);
    expect((await h.call({ method: 'PUT', url: '/v1/specs/deployments/bad', payload: { node: 'd1' } })).status).toBe(400);
    expect((await h.call({ method: 'DELETE', url: '/v1/specs/deployments/web' })).status).toBe(204);
    expect((await h.call({ method: 'DELETE', url: '/v1/specs/deployments/web' })).status).toBe(404);
    await h.call({ method: 'DELETE', url: '/v1/specs/nodes/d3' });
  });
});

describe('plans and applies', () => {
  it('plans (201), shows the plan, applies it (202) and reports progress', async () => {
    const plan = await h.call({ method: 'POST', url: '/v1/plans' });
    expect(plan.status).toBe(201);
    expect(plan.body.summary.create).toBeGreaterThanOrEqual(2);
    expect(plan.headers.location).toContain(`/v1/plans/${plan.body.id}`);
    expect((await h.call({ method: 'GET', url: `/v1/plans/${plan.body.id}` })).body.id).toBe(plan.body.id);
    expect((await h.call({ method: 'GET', url: '/v1/plans/nope' })).status).toBe(404);
    const apply = await h.call({ method: 'POST', url: `/v1/plans/${plan.body.id}/apply`, payload: { concurrency: 2 } });
    expect(apply.status).toBe(202);
    const id = apply.body.apply_id;
    let view: any;
    for (let i = 0; i < 500; i++) {
      view = (await h.call({ method: 'GET', url: `/v1/applies/${id}` })).body;
      if (view.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(view.status).toBe('succeeded');
    expect(view.actions.length).toBe(plan.body.actions.length);
    expect((await h.call({ method: 'GET', url: '/v1/applies/nope' })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: '/v1/nodes/d1' })).status).toBe(200);
  });

  it('refuses a stale plan with 409', async () => {
    const plan = await h.call({ method: 'POST', url: '/v1/plans' });
    await h.call({ method: 'PUT', url: '/v1/specs/nodes/d9', payload: nodeSpec('d9') });
    const r = await h.call({ method: 'POST', url: `/v1/plans/${plan.body.id}/apply` });
    expect(r.status).toBe(409);
    expect(fault(r.body)).toContain('stale');
    await h.call({ method: 'DELETE', url: '/v1/specs/nodes/d9' });
  });

  it('shows a change made through the v1 API as drift in the next plan', async () => {
    const patched = await h.call({ method: 'PATCH', url: '/v1/nodes/d1', payload: [{ op: 'replace', path: '/properties/cpus', value: 64 }] });
    expect(patched.status).toBe(200);
    const plan = await h.call({ method: 'POST', url: '/v1/plans' });
    const action = plan.body.actions.find((a: any) => a.name === 'd1');
    expect(action).toBeTruthy();
    expect(JSON.stringify(action.reasons)).toContain('properties');
  });
});

describe('events', () => {
  it('lists events as JSON, after an id and for one node', async () => {
    const all = await h.call({ method: 'GET', url: '/v1/events?format=json' });
    expect(all.body.events.length).toBeGreaterThan(3);
    const mid = all.body.events[1].id;
    const after = await h.call({ method: 'GET', url: `/v1/events?format=json&after=${mid}` });
    expect(after.body.events[0].id).toBe(mid + 1);
    const d1 = await h.call({ method: 'GET', url: '/v1/events?format=json&node=d1' });
    expect(d1.body.events.length).toBeGreaterThan(0);
    const d1Uuid = (await h.call({ method: 'GET', url: '/v1/nodes/d1' })).body.uuid;
    expect(d1.body.events.every((e: any) => e.node_uuid === d1Uuid)).toBe(true);
    expect(d1.body.events.length).toBeLessThan(all.body.events.length);
    expect((await h.call({ method: 'GET', url: '/v1/events?format=json&after=x' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/events?format=json&node=ghost' })).status).toBe(404);
  });

  it('streams Server-Sent Events: replay from Last-Event-ID, then live', async () => {
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (h.app.server.address() as { port: number }).port;
    const all = (await h.call({ method: 'GET', url: '/v1/events?format=json' })).body.events;
    const from = all[all.length - 2].id;
    const got: Array<{ id: number; type: string }> = [];
    let headers: Record<string, unknown> = {};
    const req = request({ host: '127.0.0.1', port, path: '/v1/events', headers: { 'last-event-id': String(from) } }, (res) => {
      headers = res.headers;
      let buf = '';
      res.on('data', (c) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(frame);
          if (data) got.push(JSON.parse(data[1]!));
        }
      });
    });
    req.end();
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
    };
    await until(() => got.length >= 1);
    expect(got[0]!.id).toBe(from + 1);
    expect(String(headers['content-type'])).toContain('text/event-stream');
    expect(headers['x-openstack-ironic-api-maximum-version']).toBe(`1.${MAX_VERSION}`);
    await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'live-one' } });
    await until(() => got.some((e: any) => e.node_name === 'live-one'));
    expect(got.some((e: any) => e.node_name === 'live-one')).toBe(true);
    const ids = got.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    req.destroy();
  });
});
