// The CLI against a running `ironplan serve` (--endpoint), as a person runs it: `plan` shows what would
// change without replacing the service's desired state (so a reader may plan), and an endpoint that
// cannot be reached is named in the error with its cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { tempDir } from './helpers.js';
import { freeTcpPort } from '../../lab/ports.js';
import { runCli, startServe, type Served } from './serve-process.js';

const { dir, cleanup } = tempDir();
let served: Served;
const admin = { authorization: 'Bearer admin-t', 'content-type': 'application/json' };

const fleetYaml = (names: string[], power = 'power off') => `nodes:\n${names.map((n) => `  - { name: ${n}, driver: fake-hardware, power_state: ${power} }`).join('\n')}\n`;

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${served.endpoint}${path}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

beforeAll(async () => {
  const tokens = join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify([{ token: 'admin-t', role: 'admin' }, { token: 'reader-t', role: 'reader' }]));
  served = await startServe(dir, ['--auth', 'token', '--tokens-file', tokens]);
  writeFileSync(join(dir, 'all.yaml'), fleetYaml(['n1', 'n2', 'n3']));
  writeFileSync(join(dir, 'one.yaml'), fleetYaml(['n1'], 'power on'));
  // The service's desired state, applied: three nodes, powered off.
  const apply = await runCli(['apply', '-f', join(dir, 'all.yaml'), '--endpoint', served.endpoint, '--token', 'admin-t', '--auto-approve'], dir);
  expect(apply.code, apply.stderr).toBe(0);
});
afterAll(() => {
  served?.kill();
  cleanup();
});

describe('ironplan plan --endpoint (slow: runs the built command)', () => {
  it('plans a file with a subset of the nodes without changing the stored specs, with a reader token', async () => {
    const before = await api('GET', '/v1/specs');
    expect(before.nodes.map((n: { name: string }) => n.name)).toEqual(['n1', 'n2', 'n3']);
    const plan = await runCli(['plan', '-f', join(dir, 'one.yaml'), '--endpoint', served.endpoint, '--token', 'reader-t', '--detailed-exitcode'], dir);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('power_state: "power off" -> "power on"');
    expect(plan.stdout).toMatch(/- .*node "n2"/);
    expect(plan.stdout).toMatch(/- .*node "n3"/);
    expect(await api('GET', '/v1/specs')).toEqual(before);
  });

  it('shows what storing the file and planning would (--json)', async () => {
    const dry = await runCli(['plan', '-f', join(dir, 'one.yaml'), '--endpoint', served.endpoint, '--token', 'reader-t', '--json'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout);
    const all = await api('GET', '/v1/specs');
    await api('PUT', '/v1/specs', { nodes: all.nodes.filter((n: { name: string }) => n.name === 'n1').map((n: object) => ({ ...n, power_state: 'power on' })), deployments: [] });
    const stored = await api('POST', '/v1/plans');
    expect(planned.actions).toEqual(stored.actions);
    expect(planned.summary).toEqual(stored.summary);
    await api('PUT', '/v1/specs', all);
  });

  it('apply still stores the file as the desired state', async () => {
    const apply = await runCli(['apply', '-f', join(dir, 'all.yaml'), '--endpoint', served.endpoint, '--token', 'admin-t', '--auto-approve'], dir);
    expect(apply.code, apply.stderr).toBe(0);
    expect((await api('GET', '/v1/specs')).nodes.map((n: { name: string }) => n.name)).toEqual(['n1', 'n2', 'n3']);
  });
});

describe('ironplan plan on the local database', () => {
  it('does not store the planned file as the desired state', async () => {
    const db = join(dir, 'local.db');
    expect((await runCli(['apply', '-f', join(dir, 'all.yaml'), '--db', db, '--auto-approve'], dir)).code).toBe(0);
    const plan = await runCli(['plan', '-f', join(dir, 'one.yaml'), '--db', db, '--json'], dir);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).summary.delete).toBe(2);
    // Served from the same file: the desired state is still the applied one.
    const local = await startServe(dir, ['--db', db, '--state-dir', join(dir, 'local-state')]);
    try {
      const specs = await (await fetch(`${local.endpoint}/v1/specs`)).json();
      expect(specs.nodes.map((n: { name: string }) => n.name)).toEqual(['n1', 'n2', 'n3']);
    } finally {
      local.kill();
    }
  });
});

describe('an unreachable --endpoint', () => {
  it('names the URL and the cause', async () => {
    const port = await freeTcpPort();
    const endpoint = `http://127.0.0.1:${port}`;
    for (const args of [['plan', '-f', join(dir, 'one.yaml')], ['node', 'list']]) {
      const r = await runCli([...args, '--endpoint', endpoint], dir);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`${endpoint}/v1/`);
      expect(r.stderr).toContain('ECONNREFUSED');
      expect(r.stderr).not.toMatch(/^Error: fetch failed$/m);
    }
  });
});
