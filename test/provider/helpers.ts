// Shared by the provider's end-to-end suites: the built provider, a CLI config with dev_overrides, the
// ironplan service in this process (so tests can reach the engine behind it), and terraform runs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Engine } from '../../engine/engine.js';
import type { Logger } from '../../drivers/types.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SOURCE = 'registry.terraform.io/ironplan/ironplan';
export const SHA = `sha256:${'a'.repeat(64)}`;
export const SHA2 = `sha256:${'b'.repeat(64)}`;

export function terraformVersion(): string | null {
  const r = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.status !== 0) return null;
  try {
    return (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
  } catch {
    return null;
  }
}

/** Says loudly that the suite is skipped, so a missing terraform never reads as a pass. */
export function requireTerraform(suite: string): boolean {
  const v = terraformVersion();
  if (!v) console.warn(`\n*** SKIPPED ${suite}: terraform is not on PATH. Install terraform >= 1.11 to run the provider's end-to-end tests. ***\n`);
  return v !== null;
}

let built: Promise<void> | null = null;
export function buildProviderOnce(): Promise<void> {
  built ??= import(join(REPO, 'scripts/provider-build.mjs')).then((m: { buildProvider: (o: { quiet: boolean }) => Promise<string> }) => m.buildProvider({ quiet: true })).then(() => {});
  return built;
}

export interface Workdir {
  dir: string;
  env: NodeJS.ProcessEnv;
  write(name: string, text: string): void;
  cleanup(): void;
}

export function workdir(prefix = 'ironplan-tf-'): Workdir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cli = join(dir, 'cli.tfrc');
  writeFileSync(cli, `provider_installation {\n  dev_overrides {\n    "${SOURCE}" = "${join(REPO, 'bin')}"\n  }\n  direct {}\n}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cli, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  delete env.TF_LOG;
  return {
    dir,
    env,
    write: (name, text) => writeFileSync(join(dir, name), text),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TfResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs terraform without blocking the event loop: the service under test lives in this process. */
export function tf(w: Workdir, args: string[], timeoutMs = 300_000): Promise<TfResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn('terraform', [...args], { cwd: w.dir, env: w.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export async function tfOk(w: Workdir, args: string[], timeoutMs?: number): Promise<TfResult> {
  const r = await tf(w, args, timeoutMs);
  if (r.code !== 0) throw new Error(`terraform ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

export interface Service {
  url: string;
  engine: Engine;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startService(): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), 'ironplan-svc-'));
  const log = pino({ level: 'silent' }) as unknown as Logger;
  const engine = await Engine.open({
    database: join(dir, 'ironplan.db'),
    settings: { stateDir: dir, deployCallbackTimeoutSec: 60 },
    log,
    powerSyncIntervalSec: 0,
    drivers: BUILTIN_DRIVERS,
    scanDriverPackages: false,
  });
  const { buildServer } = await import('../../engine/http/server.js');
  const app = await buildServer(engine, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    engine,
    app,
    close: async () => {
      await app.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function api<T = unknown>(svc: Service, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(svc.url + path, {
    method,
    headers: { 'X-OpenStack-Ironic-API-Version': 'latest', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export const providerBlock = (svc: Service) => `terraform {\n  required_providers {\n    ironplan = { source = "ironplan/ironplan" }\n  }\n}\n\nprovider "ironplan" {\n  endpoint = "${svc.url}"\n}\n`;

/**
 * For the suite it is called in: the provider built, a service started and a terraform work directory
 * made before its tests, both cleaned up after; `set` receives them.
 */
export function useServiceAndWorkdir(set: (svc: Service, w: Workdir) => void): void {
  let svc: Service | undefined;
  let w: Workdir | undefined;
  beforeAll(async () => {
    await buildProviderOnce();
    svc = await startService();
    w = workdir();
    set(svc, w);
  });
  afterAll(async () => {
    await svc?.close();
    w?.cleanup();
  });
}
