import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startHarness, type Harness } from './helpers.js';
import { MAX_VERSION } from '../../engine/http/versions-table.js';

describe('openapi and metrics', () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(async () => h.close());

  it('documents every route, with the shared schemas as components', async () => {
    const r = await h.call({ method: 'GET', url: '/openapi.json' });
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    for (const p of ['/v1/nodes', '/v1/nodes/{ident}', '/v1/nodes/{ident}/states/provision', '/v1/ports', '/v1/drivers', '/v1/lookup', '/v1/heartbeat/{ident}', '/v1/specs', '/v1/plans', '/v1/plans/{id}/apply', '/v1/events', '/boot/{path}', '/metrics']) {
      expect(r.body.paths[p], p).toBeTruthy();
    }
    expect(r.body.paths['/v1/specs'].put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/fleet' });
    // Every $ref in the document resolves inside it.
    const text = JSON.stringify(r.body);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(r.body.components.schemas[ref!], ref).toBeTruthy();
  });

  it('exposes Prometheus metrics: request durations, nodes by state, apply actions', async () => {
    await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'm1' } });
    await h.call({ method: 'GET', url: '/v1/nodes/m1' });
    await h.call({ method: 'PUT', url: '/v1/specs/nodes/m2', payload: { driver: 'fake-hardware' } });
    const plan = await h.call({ method: 'POST', url: '/v1/plans' });
    const apply = await h.call({ method: 'POST', url: `/v1/plans/${plan.body.id}/apply` });
    for (let i = 0; i < 500; i++) {
      if ((await h.call({ method: 'GET', url: `/v1/applies/${apply.body.apply_id}` })).body.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = await h.call({ method: 'GET', url: '/metrics' });
    expect(String(r.headers['content-type'])).toContain('text/plain');
    expect(r.text).toContain('ironplan_http_request_duration_seconds_bucket{route="/v1/nodes/:ident",method="GET",status="200",le="0.1"}');
    // The gauge counts exactly what the node list shows, state by state.
    const listed = (await h.call({ method: 'GET', url: '/v1/nodes?fields=provision_state' })).body.nodes as Array<{ provision_state: string }>;
    const want = new Map<string, number>();
    for (const n of listed) want.set(n.provision_state, (want.get(n.provision_state) ?? 0) + 1);
    const got = new Map([...r.text.matchAll(/^ironplan_nodes\{provision_state="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
    expect(got.get('enroll')).toBeGreaterThanOrEqual(1);
    expect(got).toEqual(want);
    expect(r.text).toMatch(/ironplan_apply_actions_total\{op="[a-z_]+",result="done"\} \d+/);
  });
});

describe('bearer-token auth', () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness({ auth: { mode: 'token', tokens: [{ token: 'admin-t', role: 'admin' }, { token: 'reader-t', role: 'reader' }] } })));
  afterAll(async () => h.close());

  it('refuses without or with a bad token (401), a reader writing (403)', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/nodes' })).status).toBe(401);
    expect((await h.call({ method: 'GET', url: '/v1/nodes', headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await h.call({ method: 'GET', url: '/metrics' })).status).toBe(401);
    expect((await h.call({ method: 'GET', url: '/v1/nodes', headers: { authorization: 'Bearer reader-t' } })).status).toBe(200);
    const w = await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware' }, headers: { authorization: 'Bearer reader-t' } });
    expect(w.status).toBe(403);
    expect(w.headers['x-openstack-ironic-api-maximum-version']).toBe(`1.${MAX_VERSION}`);
    expect((await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware' }, headers: { authorization: 'Bearer admin-t' } })).status).toBe(201);
    expect((await h.call({ method: 'GET', url: '/v1/nodes', headers: { 'x-auth-token': 'admin-t' } })).status).toBe(200);
  });

  it('leaves version discovery, the agent and boot files open', async () => {
    expect((await h.call({ method: 'GET', url: '/' })).status).toBe(200);
    expect((await h.call({ method: 'GET', url: '/v1' })).status).toBe(200);
    expect((await h.call({ method: 'GET', url: '/v1/lookup?addresses=52:54:00:00:00:01' })).status).toBe(404);
    expect((await h.call({ method: 'POST', url: '/v1/heartbeat/x', payload: { agent_token: 't', agent_status: 'ready' } })).status).toBe(404);
    expect((await h.call({ method: 'GET', url: '/boot/none' })).status).toBe(404);
  });
});

describe('logs', () => {
  it('are JSON with request ids and never carry driver_info or agent tokens', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
    const logger = pino({ level: 'debug' }, sink);
    const h = await startHarness({ logger });
    h.app.log.info({ node: { driver_info: { ipmi_password: 'pw-123' } }, config: { agent_token: 'tok-456' } }, 'an object that must be redacted');
    await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'logged', driver_info: { bmc_password: 'pw-789' } } });
    await h.close();
    const text = lines.join('');
    expect(text).not.toContain('pw-123');
    expect(text).not.toContain('tok-456');
    expect(text).not.toContain('pw-789');
    const completed = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request completed');
    expect(completed.reqId).toMatch(/^req-/);
  });
});
