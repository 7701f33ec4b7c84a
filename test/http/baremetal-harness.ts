// The real `baremetal` CLI (python3-ironicclient) against an ironplan service, for the e2e suites that drive
// it. The server is `node bin/ironplan.js serve` when a build of the current sources exists (as in CI, where
// `npm test` builds first), otherwise the same server started in-process. If the CLI is not installed the
// suite FAILS: CI installs it, so a missing CLI is a broken environment, not a skip.
import { afterAll, beforeAll } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../../engine/engine.js';
import { buildServer } from '../../engine/http/server.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';
import { quiet } from './helpers.js';
import { freeTcpPort } from '../../lab/ports.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Baremetal {
  endpoint: string;
  /** Runs `baremetal ARGS` against the service; never throws. */
  bm(...args: string[]): Promise<{ code: number; out: string; err: string }>;
  /** Runs it and returns stdout, or throws with stderr. */
  ok(...args: string[]): Promise<string>;
  /** `ok` with `-f value`, trimmed. */
  value(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

function which(cmd: string): string | undefined {
  for (const p of (process.env.PATH ?? '').split(':')) if (p && existsSync(join(p, cmd))) return join(p, cmd);
  return undefined;
}

/** A build of the current HTTP sources exists (dist newer than the sources it came from). */
function freshBuild(): boolean {
  const built = join(root, 'dist/engine/http/server.js');
  const cli = join(root, 'dist/engine/cli/main.js');
  if (!existsSync(built) || !existsSync(cli)) return false;
  return statSync(built).mtimeMs >= statSync(join(root, 'engine/http/server.ts')).mtimeMs;
}

/** Starts the service and returns the CLI bound to it (OS_BAREMETAL_API_VERSION=latest unless `apiVersion`). */
export async function startBaremetal(opts: { apiVersion?: string } = {}): Promise<Baremetal> {
  if (!which('baremetal')) {
    throw new Error('The `baremetal` CLI is not installed (Debian: apt-get install python3-ironicclient python3-openstackclient). This suite must run; CI installs it.');
  }
  const dir = await mkdtemp(join(tmpdir(), 'ironplan-bm-'));
  await mkdir(join(dir, 'state', 'boot'), { recursive: true });
  const port = await freeTcpPort();
  const endpoint = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let inProcess: { engine: Engine; app: FastifyInstance } | undefined;
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

  const bm = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(
        'baremetal',
        ['--os-endpoint', endpoint, '--os-auth-type', 'none', ...args],
        // A private HOME: the client caches the negotiated version per endpoint under ~/.cache.
        { env: { ...process.env, HOME: dir, OS_BAREMETAL_API_VERSION: opts.apiVersion ?? 'latest' }, timeout: 120_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: String(stdout), err: String(stderr) }),
      );
    });
  const ok = async (...args: string[]) => {
    const r = await bm(...args);
    if (r.code !== 0) throw new Error(`baremetal ${args.join(' ')} failed (${r.code}): ${r.err || r.out}`);
    return r.out;
  };
  return {
    endpoint,
    bm,
    ok,
    value: async (...args: string[]) => (await ok(...args, '-f', 'value')).trim(),
    async close() {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child!.once('exit', r));
      }
      if (inProcess) {
        await inProcess.app.close();
        await inProcess.engine.close();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** For the file it is called in: a `baremetal` CLI against a fresh service (given to `set`), closed after. */
export function useBaremetal(set: (cli: Baremetal) => void, opts: { apiVersion?: string } = {}): void {
  let cli: Baremetal | undefined;
  beforeAll(async () => {
    cli = await startBaremetal(opts);
    set(cli);
  }, 60_000);
  afterAll(async () => {
    await cli?.close();
  });
}
