// The API over HTTPS, as a person runs it: `ironplan serve --tls-cert --tls-key`, a client trusting the
// test CA is answered, the CLI's --endpoint https://… works with --ca-file and fails clearly with the wrong
// CA or none; with --tls-client-ca a client without a certificate is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServe, type Served } from '../engine/serve-process.js';
import { freeTcpPort } from '../../lab/ports.js';
import { tlsFetch } from '../../engine/secrets/tls.js';
import { makePki, type Pki } from '../support/pki.js';

/** `ironplan serve` over HTTPS with the test PKI's server certificate, on a database of its own under dir. */
function serveTls(dir: string, pki: Pki, extra: string[] = []): Promise<Served> {
  return startServe(mkdtempSync(join(dir, 'serve-')), ['--tls-cert', pki.cert, '--tls-key', pki.key, ...extra]);
}

describe('the API over HTTPS', () => {
  let dir: string;
  let pki: Pki;
  const served: Served[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ironplan-tls-api-'));
    pki = makePki(dir);
  });
  afterAll(() => {
    for (const s of served) s.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers clients trusting its CA; the CLI works with --ca-file and fails clearly without the right CA', async () => {
    const s = await serveTls(dir, pki);
    served.push(s);
    const { endpoint } = s;
    const res = await tlsFetch({ ca: pki.ca })(`${endpoint}/v1`);
    expect(res.status).toBe(200);
    // Plain HTTP to the HTTPS port gets nothing useful.
    expect(await fetch(`${endpoint.replace('https:', 'http:')}/v1`).then((r) => r.ok, () => false)).toBe(false);

    const ok = await runCli(['node', 'list', '--endpoint', endpoint, '--ca-file', pki.ca], dir);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('UUID');
    const wrong = await runCli(['node', 'list', '--endpoint', endpoint, '--ca-file', pki.otherCa], dir);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/not issued by a trusted CA \(give its CA with --tls-ca \/ --ca-file\)/);
    const none = await runCli(['node', 'list', '--endpoint', endpoint], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/not issued by a trusted CA/);
  }, 60_000);

  it("--agent-listen serves only the agent's endpoints over plain HTTP; its refusals show in the HTTPS /metrics", async () => {
    const agentPort = await freeTcpPort();
    const s = await serveTls(dir, pki, ['--agent-listen', `127.0.0.1:${agentPort}`]);
    served.push(s);
    const { endpoint } = s;
    const agent = `http://127.0.0.1:${agentPort}`;
    const lookup = await fetch(`${agent}/v1/lookup?addresses=52:54:00:00:00:01`);
    expect(lookup.status).toBe(404);
    expect(await lookup.text()).toContain('No node in a state that allows lookup');
    const https = tlsFetch({ ca: pki.ca });
    const headers = { 'x-openstack-ironic-api-version': 'latest', 'content-type': 'application/json' };
    const created = await https(`${endpoint}/v1/nodes`, { method: 'POST', headers, body: JSON.stringify({ name: 'n1', driver: 'fake-hardware' }) });
    expect(created.status).toBe(201);
    const { uuid } = (await created.json()) as { uuid: string };
    const beat = await fetch(`${agent}/v1/heartbeat/${uuid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agent_token: 'x', agent_status: 'ready' }) });
    expect(beat.status).toBe(401);
    // The API proper is not on the agent's listener.
    expect((await fetch(`${agent}/v1/nodes`)).status).toBe(404);
    expect((await fetch(`${agent}/metrics`)).status).toBe(404);
    expect(await (await https(`${endpoint}/metrics`)).text()).toContain('ironplan_agent_heartbeats_refused_total{reason="agent_token"} 1');
  }, 60_000);

  it('with --tls-client-ca, refuses a client without a certificate and answers one with', async () => {
    const s = await serveTls(dir, pki, ['--tls-client-ca', pki.ca]);
    served.push(s);
    const { endpoint } = s;
    // Refused at the TLS layer, as the stranger below: no HTTP answer at all (not merely any status but 200).
    expect(await tlsFetch({ ca: pki.ca })(`${endpoint}/v1`).then((r) => r.status, () => 'refused')).toBe('refused');
    expect((await tlsFetch({ ca: pki.ca, cert: pki.cert, key: pki.key })(`${endpoint}/v1`)).status).toBe(200);
    expect(await tlsFetch({ ca: pki.ca, cert: pki.strangerCert, key: pki.strangerKey })(`${endpoint}/v1`).then((r) => r.status, () => 'refused')).toBe('refused');
  }, 60_000);
});
