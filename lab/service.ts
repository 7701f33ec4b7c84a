// ironplan as the lab runs it: in one process (Engine + HTTP server, as `ironplan serve`), or split as an
// operator who scales out runs it: `ironplan api` and `ironplan manager` as separate processes on a
// PostgreSQL of their own, the manager serving its boot files itself (the API redirects the VM to it).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { Engine } from '../engine/engine.js';
import { buildServer } from '../engine/http/server.js';
import { BUILTIN_DRIVERS } from '../engine/cli/compose.js';
import type { Logger } from '../drivers/types.js';
import { packageRoot } from '../contract/paths.js';
import { freeTcpPort } from './ports.js';
import { startPostgres, type Postgres } from './postgres.js';

export interface LabService {
  /** The API as the host reaches it. */
  apiUrl: string;
  /** The API as the VM reaches it (QEMU user networking maps 10.0.2.2 to the host's loopback). */
  guestApiUrl: string;
  /** Where the VM fetches the manager's boot files (kernel, ramdisk, the image). */
  guestBootUrl: string;
  /** Turns automated cleaning on for what follows (in process only: a separate manager keeps its flags). */
  setAutomatedClean?(on: boolean): void;
  close(): Promise<void>;
}

export interface LabServiceOptions {
  work: string;
  bootRoot: string;
  split: boolean;
}

export async function startLabService(o: LabServiceOptions): Promise<LabService> {
  return o.split ? startSplit(o) : startInProcess(o);
}

async function startInProcess(o: LabServiceOptions): Promise<LabService> {
  const port = await freeTcpPort();
  const guestApiUrl = `http://10.0.2.2:${port}`;
  const log = pino({ level: process.env.IRONPLAN_LOG_LEVEL ?? 'warn' }, pino.destination(2)) as unknown as Logger;
  const engine = await Engine.open({
    database: join(o.work, 'ironplan.db'),
    log,
    // The timed cycle matches the hand-built reference, which cleaned nothing: no automated cleaning on
    // provide. The `clean` phase turns it on for the undeploy it times on its own.
    settings: { apiUrl: guestApiUrl, bootRoot: o.bootRoot, stateDir: o.work, deployCallbackTimeoutSec: 300, automatedClean: false },
    powerSyncIntervalSec: 0,
    drivers: BUILTIN_DRIVERS,
    scanDriverPackages: false,
  });
  const app = await buildServer(engine, { logger: false, bootRoot: o.bootRoot });
  await app.listen({ host: '127.0.0.1', port });
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    guestApiUrl,
    guestBootUrl: guestApiUrl,
    setAutomatedClean: (on) => (engine.settings.automatedClean = on),
    async close() {
      await app.close();
      await engine.close();
    },
  };
}

function run(args: string[]): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'ironplan.js'), ...args], {
    env: { ...process.env, IRONPLAN_LOG_LEVEL: process.env.IRONPLAN_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  return { child, stderr: () => err };
}

async function startSplit(o: LabServiceOptions): Promise<LabService> {
  const db: Postgres = await startPostgres();
  const procs: Array<{ child: ChildProcess; stderr: () => string }> = [];
  const stop = async () => {
    for (const p of procs) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
      const exited = new Promise((r) => p.child.once('exit', r));
      p.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }
    db.stop();
  };
  try {
    const [apiPort, bootPort] = [await freeTcpPort(), await freeTcpPort()];
    const secretFile = join(o.work, 'rpc-secret');
    await writeFile(secretFile, `lab-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`, { mode: 0o600 });
    const manager = run([
      'manager', '--db', db.url, '--rpc-secret-file', secretFile, '--secrets-key-file', join(o.work, 'secrets.key'), '--state-dir', o.work, '--boot-root', o.bootRoot,
      '--boot-listen', `127.0.0.1:${bootPort}`, '--boot-url', `http://10.0.2.2:${bootPort}`, '--api-url', `http://10.0.2.2:${apiPort}`,
      '--power-sync-interval', '0', '--deploy-callback-timeout', '300', '--no-automated-clean',
    ]);
    procs.push(manager);
    await waitUntil(() => manager.stderr().includes('answering RPC'), () => `the manager did not start:\n${manager.stderr()}`);
    const api = run(['api', '--db', db.url, '--rpc-secret-file', secretFile, '--secrets-key-file', join(o.work, 'secrets.key'), '--port', String(apiPort)]);
    procs.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitUntil(() => fetch(`${apiUrl}/v1`).then((r) => r.ok, () => false), () => `the API did not start:\n${api.stderr()}`);
    return { apiUrl, guestApiUrl: `http://10.0.2.2:${apiPort}`, guestBootUrl: `http://10.0.2.2:${bootPort}`, close: stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitUntil(ok: () => boolean | Promise<boolean>, why: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((r) => setTimeout(r, 100));
  }
}
