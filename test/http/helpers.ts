// A real engine on a temporary SQLite file, with the HTTP server in front of it (driven by inject).
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { Engine } from '../../engine/engine.js';
import { buildServer, type ServerOptions } from '../../engine/http/server.js';
import type { Logger } from '../../drivers/types.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';

export const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface Harness {
  engine: Engine;
  app: FastifyInstance;
  dir: string;
  bootRoot: string;
  /** inject with the latest microversion unless headers say otherwise; parses JSON bodies. */
  call(opts: InjectOptions & { version?: string | null }): Promise<{ status: number; body: any; headers: Record<string, unknown>; text: string }>;
  close(): Promise<void>;
}

export async function startHarness(opts: ServerOptions = {}, engineOpts: Partial<Parameters<typeof Engine.open>[0]> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'ironplan-http-'));
  const bootRoot = join(dir, 'boot');
  await mkdir(bootRoot, { recursive: true });
  const engine = await Engine.open({
    database: join(dir, 'ironplan.sqlite'),
    drivers: BUILTIN_DRIVERS,
    scanDriverPackages: false,
    log: quiet,
    powerSyncIntervalSec: 0,
    ...engineOpts,
    settings: { stateDir: dir, bootRoot, apiUrl: 'http://127.0.0.1:1', deployCallbackTimeoutSec: 60, ...engineOpts.settings },
  });
  const app = await buildServer(engine, { logger: false, ...opts });
  return {
    engine,
    app,
    dir,
    bootRoot,
    async call(o) {
      const { version = 'latest', ...rest } = o;
      const headers: Record<string, string> = { ...((rest.headers as Record<string, string>) ?? {}) };
      if (version !== null) headers['x-openstack-ironic-api-version'] = version;
      const res = await app.inject({ ...rest, headers } as InjectOptions);
      let body: unknown = undefined;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.statusCode, body, headers: res.headers as Record<string, unknown>, text: res.body };
    },
    async close() {
      await app.close();
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The faultstring inside Ironic's error_message envelope. */
export function fault(body: any): string {
  return JSON.parse(body.error_message).faultstring as string;
}

export const CHECKSUM = `sha256:${'ab'.repeat(32)}`;

/** Polls until pred holds for the node (via the API), or fails after timeoutMs. */
export async function waitFor(h: Harness, ident: string, pred: (n: any) => boolean, timeoutMs = 10_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await h.call({ method: 'GET', url: `/v1/nodes/${ident}` });
    if (r.status === 200 && pred(r.body)) return r.body;
    if (Date.now() > deadline) throw new Error(`timed out waiting for node ${ident}: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}
