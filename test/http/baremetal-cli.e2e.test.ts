// The real `baremetal` CLI (python3-ironicclient) against ironplan: the Ironic v1 compatibility test that
// matters. The server is `node bin/ironplan.js serve` when a build of the current sources exists (as in
// CI, where `npm test` builds first), otherwise the same server started in-process. If the CLI is not
// installed this suite FAILS: CI installs it, so a missing CLI is a broken environment, not a skip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../../engine/engine.js';
import { buildServer } from '../../engine/http/server.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';
import { CHECKSUM, quiet } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir: string;
let endpoint: string;
let child: ChildProcess | undefined;
let inProcess: { engine: Engine; app: FastifyInstance } | undefined;

function which(cmd: string): string | undefined {
  for (const p of (process.env.PATH ?? '').split(':')) if (p && existsSync(join(p, cmd))) return join(p, cmd);
  return undefined;
}

const freePort = () =>
  new Promise<number>((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });

/** A build of the current HTTP sources exists (dist newer than the sources it came from). */
function freshBuild(): boolean {
  const built = join(root, 'dist/engine/http/server.js');
  const cli = join(root, 'dist/engine/cli/main.js');
  if (!existsSync(built) || !existsSync(cli)) return false;
  return statSync(built).mtimeMs >= statSync(join(root, 'engine/http/server.ts')).mtimeMs;
}

function bm(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      'baremetal',
      ['--os-endpoint', endpoint, '--os-auth-type', 'none', ...args],
      // A private HOME: the client caches the negotiated version per endpoint under ~/.cache.
      { env: { ...process.env, HOME: dir, OS_BAREMETAL_API_VERSION: 'latest' }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: String(stdout), err: String(stderr) }),
    );
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await bm(...args);
  if (r.code !== 0) throw new Error(`baremetal ${args.join(' ')} failed (${r.code}): ${r.err || r.out}`);
  return r.out;
}

const value = async (...args: string[]) => (await ok(...args, '-f', 'value')).trim();

beforeAll(async () => {
  if (!which('baremetal')) {
    throw new Error('The `baremetal` CLI is not installed (Debian: apt-get install python3-ironicclient python3-openstackclient). This suite must run; CI installs it.');
  }
  dir = await mkdtemp(join(tmpdir(), 'ironplan-bm-'));
  await mkdir(join(dir, 'state', 'boot'), { recursive: true });
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  if (freshBuild()) {
    child = spawn(
      process.execPath,
      [join(root, 'bin/ironplan.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--db', join(dir, 'ironplan.sqlite'), '--state-dir', join(dir, 'state'), '--power-sync-interval', '0'],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, IRONPLAN_LOG_LEVEL: 'warn' } },
    );
  } else {
    const engine = await Engine.open({
      database: join(dir, 'ironplan.sqlite'),
      settings: { stateDir: join(dir, 'state'), apiUrl: endpoint },
      drivers: BUILTIN_DRIVERS,
      scanDriverPackages: false,
      log: quiet,
      powerSyncIntervalSec: 0,
    });
    const app = await buildServer(engine, { logger: false });
    await app.listen({ host: '127.0.0.1', port });
    inProcess = { engine, app };
  }
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${endpoint}/v1`)).ok) break;
    } catch {
      // not up yet
    }
    if (child?.exitCode != null || i > 300) throw new Error('ironplan serve did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  }
  if (inProcess) {
    await inProcess.app.close();
    await inProcess.engine.close();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the baremetal CLI against ironplan', () => {
  it('drives a node from enrollment through deploy, undeploy and deletion', async () => {
    const created = await ok('node', 'create', '--driver', 'fake-hardware', '--name', 'cli-1', '--driver-info', 'fake_agent_delay_ms=5', '--property', 'cpus=4', '--resource-class', 'baremetal', '-f', 'json');
    const node = JSON.parse(created);
    expect(node).toMatchObject({ name: 'cli-1', provision_state: 'enroll', driver: 'fake-hardware', deploy_interface: 'fake-agent' });

    expect(await ok('node', 'list')).toContain('cli-1');
    expect(await value('node', 'show', 'cli-1', '-c', 'resource_class')).toBe('baremetal');

    await ok('node', 'set', 'cli-1', '--property', 'memory_mb=2048', '--extra', 'team=infra');
    await ok('node', 'unset', 'cli-1', '--extra', 'team');
    const shown = JSON.parse(await ok('node', 'show', 'cli-1', '-f', 'json'));
    expect(shown.properties).toEqual({ cpus: 4, memory_mb: 2048 });
    expect(shown.extra).toEqual({});

    await ok('node', 'manage', 'cli-1', '--wait', '60');
    await ok('node', 'provide', 'cli-1', '--wait', '60');
    expect(await value('node', 'show', 'cli-1', '-c', 'provision_state')).toBe('available');

    await ok('port', 'create', '52:54:00:c1:00:01', '--node', node.uuid);
    expect(await ok('port', 'list')).toContain('52:54:00:c1:00:01');
    expect(await ok('port', 'list', '--node', 'cli-1')).toContain('52:54:00:c1:00:01');

    await ok('node', 'set', 'cli-1', '--instance-info', 'image_source=http://images.example/img.raw', '--instance-info', `image_checksum=${CHECKSUM}`);
    await ok('node', 'deploy', 'cli-1', '--wait', '120');
    expect(await value('node', 'show', 'cli-1', '-c', 'provision_state')).toBe('active');
    expect(await value('node', 'show', 'cli-1', '-c', 'power_state')).toBe('power on');

    await ok('node', 'power', 'off', 'cli-1');
    await waitFor(async () => (await value('node', 'show', 'cli-1', '-c', 'power_state')) === 'power off');
    await ok('node', 'power', 'on', 'cli-1');
    await waitFor(async () => (await value('node', 'show', 'cli-1', '-c', 'power_state')) === 'power on');

    await ok('node', 'boot', 'device', 'set', 'cli-1', 'pxe', '--persistent');
    expect(await ok('node', 'boot', 'device', 'show', 'cli-1')).toMatch(/boot_device\s*\|\s*pxe/);
    expect(await ok('node', 'boot', 'device', 'show', 'cli-1', '--supported')).toContain('disk');

    const validate = await ok('node', 'validate', 'cli-1', '-f', 'json');
    expect(JSON.parse(validate).find((r: any) => r.Interface === 'power').Result).toBe(true);

    await ok('node', 'undeploy', 'cli-1', '--wait', '120');
    expect(await value('node', 'show', 'cli-1', '-c', 'provision_state')).toBe('available');

    // Manual cleaning: the step ironplan offers runs; one it does not is refused, naming it.
    await ok('node', 'manage', 'cli-1', '--wait', '60');
    await ok('node', 'clean', 'cli-1', '--clean-steps', '[{"interface": "deploy", "step": "erase_devices_metadata"}]', '--wait', '60');
    expect(await value('node', 'show', 'cli-1', '-c', 'provision_state')).toBe('manageable');
    const shred = await bm('node', 'clean', 'cli-1', '--clean-steps', '[{"interface": "deploy", "step": "erase_devices"}]');
    expect(shred.code).not.toBe(0);
    expect(shred.err).toContain('step "erase_devices" of interface "deploy" is not supported');
    await ok('node', 'provide', 'cli-1', '--wait', '60');

    await ok('node', 'maintenance', 'set', 'cli-1', '--reason', 'fan replacement');
    expect(await value('node', 'show', 'cli-1', '-c', 'maintenance_reason')).toBe('fan replacement');
    await ok('node', 'maintenance', 'unset', 'cli-1');
    expect(await value('node', 'show', 'cli-1', '-c', 'maintenance')).toBe('False');

    await ok('node', 'add', 'trait', 'cli-1', 'CUSTOM_GPU');
    expect(await ok('node', 'trait', 'list', 'cli-1')).toContain('CUSTOM_GPU');

    const portUuid = (await value('port', 'list', '-c', 'UUID')).split('\n')[0]!;
    await ok('port', 'delete', portUuid);
    expect(await ok('port', 'list')).not.toContain('52:54:00:c1:00:01');

    await ok('node', 'delete', 'cli-1');
    expect(await ok('node', 'list')).not.toContain('cli-1');
  }, 300_000);

  it('lists and shows drivers and their properties', async () => {
    expect(await ok('driver', 'list')).toContain('fake-hardware');
    expect(await ok('driver', 'show', 'fake-hardware')).toMatch(/default_deploy_interface\s*\|\s*fake-agent/);
    expect(await ok('driver', 'property', 'list', 'fake-hardware')).toContain('fake_fail');
  }, 60_000);

  it('reports errors as Ironic does', async () => {
    const missing = await bm('node', 'show', 'no-such-node');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('no-such-node could not be found');
    await ok('node', 'create', '--driver', 'fake-hardware', '--name', 'cli-err');
    const bad = await bm('node', 'deploy', 'cli-err');
    expect(bad.err).toMatch(/"deploy".*"enroll"/);
  }, 60_000);
});

async function waitFor(pred: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}
