// `ironplan serve`: the API and the manager in one process (the RPC boundary stays in the code: routes
// only call the Conductor/Engine interfaces).
import { readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import pino from 'pino';
import { Engine } from '../engine.js';
import type { Logger } from '../../drivers/types.js';

/** How long responses in flight get to finish on shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 3000;
/** Past this, shutdown gives up (e.g. an operation the conductor waits for) and the process exits 1. */
const SHUTDOWN_LIMIT_MS = 10_000;

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  apiUrl?: string;
  bootRoot?: string;
  stateDir: string;
  powerSyncInterval: number;
  deployCallbackTimeout: number;
  /** commander's --no-automated-clean */
  automatedClean: boolean;
  auth: 'none' | 'token';
  tokensFile?: string;
  driver?: string[];
  tftpPort?: number;
  tftpHost?: string;
}

function loadTokens(o: ServeOptions): Array<{ token: string; role: 'admin' | 'reader' }> {
  const text = o.tokensFile ? readFileSync(o.tokensFile, 'utf8') : process.env.IRONPLAN_TOKENS;
  if (!text) throw new Error('--auth token needs --tokens-file or IRONPLAN_TOKENS (JSON: [{"token": "...", "role": "admin"}])');
  const tokens = JSON.parse(text) as Array<{ token: string; role: 'admin' | 'reader' }>;
  if (!Array.isArray(tokens) || tokens.some((t) => !t.token || (t.role !== 'admin' && t.role !== 'reader'))) {
    throw new Error('tokens must be a JSON array of {"token": string, "role": "admin" | "reader"}');
  }
  return tokens;
}

export async function serve(o: ServeOptions): Promise<void> {
  const log = pino({ level: process.env.IRONPLAN_LOG_LEVEL ?? 'info' }) as unknown as Logger;
  const stateDir = resolve(o.stateDir);
  const apiUrl = o.apiUrl ?? `http://${o.host === '0.0.0.0' ? '127.0.0.1' : o.host}:${o.port}`;
  const engine = await Engine.open({
    database: o.db,
    log,
    settings: { apiUrl, stateDir, bootRoot: o.bootRoot ? resolve(o.bootRoot) : join(stateDir, 'boot'), deployCallbackTimeoutSec: o.deployCallbackTimeout, automatedClean: o.automatedClean && process.env.IRONPLAN_AUTOMATED_CLEAN !== 'false' },
    powerSyncIntervalSec: o.powerSyncInterval,
    driverModules: o.driver ?? [],
  });
  const { buildServer } = await import('../http/server.js');
  const app = await buildServer(engine, {
    auth: o.auth === 'token' ? { mode: 'token', tokens: loadTokens(o) } : { mode: 'none', tokens: [] },
    logger: log as unknown as object,
    bootRoot: engine.settings.bootRoot,
  });
  await app.listen({ host: o.host, port: o.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  process.stderr.write(`ironplan serving on http://${o.host}:${port} (database ${o.db})\n`);
  // The same boot root (kernels, ramdisks, per-node iPXE scripts) over TFTP, for firmware that wants it.
  let tftp: { close(): Promise<void> } | undefined;
  if (o.tftpPort !== undefined) {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(engine.settings.bootRoot, { recursive: true });
    const { createTftpServer } = await import('../../drivers/tftp/server.js');
    const server = createTftpServer({ root: engine.settings.bootRoot, host: o.tftpHost ?? o.host, port: o.tftpPort, logger: log });
    const bound = await server.listen();
    tftp = server;
    process.stderr.write(`ironplan TFTP serving ${engine.settings.bootRoot} on ${bound.address}:${bound.port}\n`);
  }
  let closing = false;
  const exitNow = (why: string) => {
    log.error({ why }, 'exiting without finishing shutdown');
    process.exit(1);
  };
  const shutdown = async (signal: string) => {
    // A second signal while closing means "now" (as a second Ctrl-C does elsewhere).
    if (closing) return exitNow(`${signal} again while shutting down`);
    closing = true;
    // app.close() ends the event streams itself, but waits for every other response in flight: one stuck
    // request (a client that stopped reading) must not keep the process alive. After a grace period the
    // remaining connections are cut; if closing still has not finished, the process exits regardless.
    const cut = setTimeout(() => {
      log.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'closing connections still open after the grace period');
      app.server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    const giveUp = setTimeout(() => exitNow(`shutdown did not finish within ${SHUTDOWN_LIMIT_MS} ms`), SHUTDOWN_LIMIT_MS);
    cut.unref();
    giveUp.unref();
    try {
      await tftp?.close();
      await app.close();
      await engine.close();
    } catch (err) {
      log.error({ err: String(err) }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

