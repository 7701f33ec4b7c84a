// The secret-leak scan over a whole life cycle: fake-hardware and ipmi (ipmitool against ipmi_sim, a chassis
// that records state) nodes enrolled, managed, provided and deployed through the HTTP API with a known BMC
// password (the ipmi node's agent played over the real agent endpoints), a fleet planned and applied, a few
// bad requests carrying the password; then the database file, the log, events, plans, /metrics, every error
// body and the command line of every process the service started are searched for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../../engine/engine.js';
import { buildServer } from '../../engine/http/server.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';
import type { Logger } from '../../contract/types.js';
import { startBmc, type RunningBmc } from '../../lab/bmc.js';
import { ChildWatcher, expectNoLeaks, hasProc, scanForLeaks, serviceTexts } from '../support/leak-scan.js';

// IPMI passwords are at most 20 bytes.
const PASSWORD = `leak-${randomBytes(6).toString('hex')}`;
const WRONG = `wrong-${randomBytes(6).toString('hex')}`;
const SHA = `sha256:${'ab'.repeat(32)}`;
const MAC = '52:54:00:1e:a4:01';
const fakeChassis = join(import.meta.dirname, '..', '..', 'lab', 'bmc', 'fake-chassis.sh');

describe.skipIf(!hasProc)('no secret leaks over a full life cycle (fake and ipmi; slow: real ipmi_sim)', () => {
  let dir: string;
  let engine: Engine;
  let app: FastifyInstance;
  let bmc: RunningBmc;
  let base: string;
  let logText = '';
  let closed = false;
  const texts: Record<string, string> = {};
  const watcher = new ChildWatcher();

  /** One API call; every answer that is an error is kept for the scan. */
  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = { 'x-openstack-ironic-api-version': 'latest' }) {
    const res = await fetch(`${base}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 400) texts[`${method} ${path} -> ${res.status}`] = text;
    return { status: res.status, text, body: text ? (JSON.parse(text) as any) : undefined };
  }

  async function settle(ident: string, state: string, timeoutMs = 30_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = (await api('GET', `/v1/nodes/${ident}`)).body;
      if (n.provision_state === state && n.reservation === null) return n;
      if (Date.now() > deadline) throw new Error(`node ${ident} never reached ${state}: ${n.provision_state} ${n.last_error ?? ''}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function toActive(ident: string, agent?: () => Promise<void>): Promise<void> {
    for (const [target, state] of [['manage', 'manageable'], ['provide', 'available']] as const) {
      expect((await api('PUT', `/v1/nodes/${ident}/states/provision`, { target })).status).toBe(202);
      await settle(ident, state);
    }
    await api('PATCH', `/v1/nodes/${ident}`, [
      { op: 'add', path: '/instance_info/image_source', value: 'http://images.invalid/img.raw' },
      { op: 'add', path: '/instance_info/image_checksum', value: SHA },
    ]);
    expect((await api('PUT', `/v1/nodes/${ident}/states/provision`, { target: 'active' })).status).toBe(202);
    if (agent) await agent();
    await settle(ident, 'active');
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ironplan-leaks-'));
    const bootRoot = join(dir, 'boot');
    mkdirSync(bootRoot, { recursive: true });
    writeFileSync(join(bootRoot, 'deploy.vmlinuz'), 'kernel');
    writeFileSync(join(bootRoot, 'deploy.initrd.gz'), 'initrd');
    // The most talkative level: a secret logged at debug is as leaked as one logged at error.
    const log = pino({ level: 'debug' }, { write: (s: string) => void (logText += s) }) as unknown as Logger;
    engine = await Engine.open({
      database: join(dir, 'ironplan.sqlite'),
      drivers: BUILTIN_DRIVERS,
      scanDriverPackages: false,
      log,
      powerSyncIntervalSec: 1,
      settings: { stateDir: dir, bootRoot, apiUrl: 'http://127.0.0.1:1', deployCallbackTimeoutSec: 60, automatedClean: false },
    });
    app = await buildServer(engine, { logger: log });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    bmc = await startBmc({ chassisControl: fakeChassis, env: { FAKE_CHASSIS_DIR: join(dir, 'chassis') }, stateDir: join(dir, 'bmc'), username: 'admin', password: PASSWORD });
    watcher.start();
  }, 60_000);

  afterAll(async () => {
    watcher.stop();
    if (!closed) {
      await app?.close();
      await engine?.close();
    }
    await bmc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrolls, manages, provides and deploys, plans and applies, and leaks the password nowhere', async () => {
    const ipmiInfo = (password: string) => ({ ipmi_address: bmc.address, ipmi_port: bmc.port, ipmi_username: 'admin', ipmi_password: password, ipmi_retries: 0, ipmi_timeout: 3, deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz' });

    // fake-hardware, with a password-named field (sealed at rest and masked like any secret).
    expect((await api('POST', '/v1/nodes', { name: 'fake-1', driver: 'fake-hardware', driver_info: { ipmi_password: PASSWORD } })).status).toBe(201);
    await toActive('fake-1');

    // ipmi: power and boot device over ipmitool; the agent's part played over its HTTP endpoints.
    expect((await api('POST', '/v1/nodes', { name: 'bm-1', driver: 'ipmi', driver_info: ipmiInfo(PASSWORD) })).status).toBe(201);
    expect((await api('POST', '/v1/ports', { address: MAC, node_uuid: 'bm-1' })).status).toBe(201);
    await toActive('bm-1', async () => {
      const node = await settle('bm-1', 'wait call-back');
      const look = await api('GET', `/v1/lookup?addresses=${MAC}`, undefined, {});
      expect(look.status).toBe(200);
      const beat = (b: object) => api('POST', `/v1/heartbeat/${node.uuid}`, { agent_token: look.body.config.agent_token, ...b }, {});
      expect((await beat({ agent_status: 'ready' })).body.command).toBe('write_image');
      expect((await beat({ agent_status: 'written', bytes_written: 2, bytes_total: 2, image_checksum_computed: SHA })).status).toBe(200);
    });

    // A wrong password: the BMC refuses, the node says why, without the password.
    expect((await api('POST', '/v1/nodes', { name: 'bm-wrong', driver: 'ipmi', driver_info: ipmiInfo(WRONG) })).status).toBe(201);
    await api('PUT', '/v1/nodes/bm-wrong/states/provision', { target: 'manage' });
    expect((await settle('bm-wrong', 'enroll')).last_error).toMatch(/password/i);

    // Bad requests carrying the password: the errors name the field, never the value.
    expect((await api('POST', '/v1/nodes', { name: 'bad', driver: 'ipmi', driver_info: { ...ipmiInfo(PASSWORD), ipmi_port: 'x' } })).status).toBe(400);
    expect((await api('PATCH', '/v1/nodes/bm-1', [{ op: 'replace', path: '/driver_info/ipmi_port', value: PASSWORD }])).status).toBeGreaterThanOrEqual(400);
    expect((await api('POST', '/v1/nodes', { name: PASSWORD.slice(0, 3), driver: 'no-such-driver', driver_info: { ipmi_password: PASSWORD } })).status).toBe(400);

    // The declarative way: a fleet whose node carries the password, planned and applied.
    expect((await api('PUT', '/v1/specs', { nodes: [{ name: 'fleet-1', driver: 'fake-hardware', driver_info: { ipmi_password: PASSWORD } }], deployments: [] })).status).toBeLessThan(300);
    const plan = await api('POST', '/v1/plans');
    expect(plan.status).toBe(201);
    const applied = await api('POST', `/v1/plans/${plan.body.id}/apply`, {});
    expect(applied.status).toBe(202);
    for (let i = 0; (await api('GET', `/v1/applies/${applied.body.apply_id}`)).body.status === 'running'; i++) {
      if (i > 400) throw new Error('the apply did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }

    // A few power syncs (1 s apart) run ipmitool again.
    await new Promise((r) => setTimeout(r, 2500));
    const cmdlines = watcher.stop();
    // The watcher saw the BMC calls, each taking its password from the environment (-E).
    const ipmitool = cmdlines.filter((l) => l.split(' ')[0]!.endsWith('ipmitool'));
    expect(ipmitool.length).toBeGreaterThan(0);
    for (const line of ipmitool) expect(line.split(' ')).toContain('-E');

    texts['GET /v1/nodes?detail=True'] = (await api('GET', '/v1/nodes?detail=True')).text;
    texts['service log'] = logText;
    Object.assign(texts, await serviceTexts(base, { planIds: [plan.body.id] }));
    // Closed before the scan so the database file is whole (WAL folded in); afterAll has nothing left to close.
    await app.close();
    await engine.close();
    closed = true;
    // The scan finds what it looks for (a planted copy), so a clean result means something.
    expect(scanForLeaks({ secrets: [PASSWORD], texts: { planted: `a ${PASSWORD} b` } })).toEqual([{ where: 'planted near "a <secret>"', secret: PASSWORD }]);
    expectNoLeaks({ secrets: [PASSWORD, WRONG], sqliteFiles: [join(dir, 'ironplan.sqlite')], texts, cmdlines });
  }, 180_000);
});
