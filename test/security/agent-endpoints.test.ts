// The agent's unauthenticated endpoints: lookups are rate-limited per source address (429 + Retry-After),
// the token is handed out once, and heartbeats with a wrong token are refused and counted in /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CHECKSUM, startHarness, waitFor, type Harness } from '../http/helpers.js';
import { expectNoLeaks } from '../support/leak-scan.js';

let h: Harness;
beforeAll(async () => (h = await startHarness({ agentLookupLimit: { burst: 3, perSecond: 2 } })));
afterAll(async () => h?.close());

const lookup = (query: string, remoteAddress = '10.0.0.7') => h.call({ method: 'GET', url: `/v1/lookup?${query}`, version: null, remoteAddress });
const metric = async (name: string) => {
  const text = (await h.call({ method: 'GET', url: '/metrics' })).text;
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
};

/** A fake-hardware node waiting for its agent, reachable by its port's MAC. */
async function nodeWaitingForAgent(name: string, mac: string): Promise<string> {
  const r = await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name, driver_info: { fake_fail: 'agent_timeout' } } });
  expect(r.status, r.text).toBe(201);
  await h.call({ method: 'POST', url: '/v1/ports', payload: { address: mac, node_uuid: name } });
  for (const [target, state] of [['manage', 'manageable'], ['provide', 'available']] as const) {
    await h.call({ method: 'PUT', url: `/v1/nodes/${name}/states/provision`, payload: { target } });
    await waitFor(h, name, (n) => n.provision_state === state && n.reservation === null);
  }
  await h.call({ method: 'PATCH', url: `/v1/nodes/${name}`, payload: [
    { op: 'add', path: '/instance_info/image_source', value: 'http://images/img.raw' },
    { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM },
  ] });
  await h.call({ method: 'PUT', url: `/v1/nodes/${name}/states/provision`, payload: { target: 'active' } });
  return (await waitFor(h, name, (n) => n.provision_state === 'wait call-back')).uuid as string;
}

describe('agent endpoints', () => {
  let uuid: string;
  beforeAll(async () => {
    uuid = await nodeWaitingForAgent('ag', '52:54:00:00:0a:01');
  });

  it('hands the token out once, then only masked', async () => {
    const first = await lookup('addresses=52:54:00:00:0a:01', '10.0.0.1');
    expect(first.status).toBe(200);
    expect(first.body.config.agent_token).toMatch(/^.{20,}$/);
    expect(first.body.config.agent_token).not.toBe('******');
    const again = await lookup(`node_uuid=${uuid}`, '10.0.0.2');
    expect(again.status).toBe(200);
    expect(again.body.config.agent_token).toBe('******');
    // At rest the token is sealed as the BMC passwords are (the engine still reads it to check heartbeats).
    const token = first.body.config.agent_token as string;
    expect((await h.engine.store.getNode(uuid)).driver_internal_info.agent_secret_token).toBe(token);
    expect(expectNoLeaks({ secrets: [token], sqliteFiles: [join(h.dir, 'ironplan.sqlite')] })).toBeUndefined();
  });

  it('limits lookups per source address: 429 with Retry-After, counted; other addresses unaffected', async () => {
    const before = await metric('ironplan_agent_lookups_rate_limited_total');
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await lookup('addresses=52:54:00:ff:ff:01', '10.0.0.9'));
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([404, 404, 404]);
    const limited = answers[3]!;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.text).toMatch(/Too many lookups from 10\.0\.0\.9/);
    expect(await metric('ironplan_agent_lookups_rate_limited_total')).toBe(before + 2);
    expect((await lookup('addresses=52:54:00:ff:ff:01', '10.0.0.10')).status).toBe(404);
    // The bucket refills (2 a second).
    await new Promise((r) => setTimeout(r, 600));
    expect((await lookup('addresses=52:54:00:ff:ff:01', '10.0.0.9')).status).toBe(404);
  });

  it('refuses heartbeats with a wrong or missing token and counts them in /metrics', async () => {
    const before = await metric('ironplan_agent_heartbeats_refused_total');
    const beat = (payload: object) => h.call({ method: 'POST', url: `/v1/heartbeat/${uuid}`, payload, version: null });
    expect((await beat({ agent_token: 'not-the-token', agent_status: 'ready' })).status).toBe(401);
    expect((await beat({ agent_status: 'ready' })).status).toBe(401);
    expect(await metric('ironplan_agent_heartbeats_refused_total')).toBe(before + 2);
    const text = (await h.call({ method: 'GET', url: '/metrics' })).text;
    expect(text).toContain('ironplan_agent_heartbeats_refused_total{reason="agent_token"} 2');
  });
});
