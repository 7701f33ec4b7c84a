// The service processes: `ironplan serve` (the API and one manager in one process, on SQLite by default),
// `ironplan api` (an API service in front of managers run elsewhere) and `ironplan manager` (a manager: the
// drivers, the conductor and its RPC listener). All three answer the API through the same seam: routes
// call engine.manager (in process, or JSON-RPC to the node's owner) and read engine.nodes.
import { readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import pino from 'pino';
import { Engine } from '../engine.js';
import { BUILTIN_DRIVERS, loadTftpServer } from './compose.js';
import type { Logger } from '../../contract/types.js';
import { tlsClientFiles, tlsServerFiles, type TlsFlags } from './tls.js';
import type { Tokens } from '../generated/tokens.js';
import { assertValid } from '../validation.js';

/** How long responses in flight get to finish on shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 3000;
/** Past this, shutdown gives up (e.g. an operation the conductor waits for) and the process exits 1. */
const SHUTDOWN_LIMIT_MS = 10_000;

/** Settings the processes running a manager share (serve, manager). */
export interface ManagerOptions {
  db: string;
  apiUrl?: string;
  bootRoot?: string;
  stateDir: string;
  powerSyncInterval: number;
  deployCallbackTimeout: number;
  /** commander's --no-automated-clean */
  automatedClean: boolean;
  driver?: string[];
  tftpPort?: number;
  tftpHost?: string;
  heartbeatInterval?: number;
  heartbeatTimeout?: number;
  secretsKeyFile?: string;
}

/** Settings of the processes answering the HTTP API (serve, api). */
export interface HttpOptions extends TlsFlags {
  /** host:port of a plain-HTTP listener for the deploy agent only (lookup, heartbeat, boot files). */
  agentListen?: string;
  db: string;
  host: string;
  port: number;
  auth: 'none' | 'token';
  tokensFile?: string;
}

export type ServeOptions = ManagerOptions & HttpOptions;

export interface ManagerProcessOptions extends ManagerOptions, TlsFlags {
  /** Serve boot files over HTTPS too (firmware's iPXE must then trust the CA: most builds cannot). */
  bootTls?: boolean;
  group?: string;
  /** host:port of the RPC listener (port 0 picks a free one). */
  rpcListen: string;
  rpcSecretFile?: string;
  /** Where TFTP listens when --tftp-port is given. */
  host?: string;
  /** host:port where this manager serves its boot root over HTTP (each manager serves its own nodes'). */
  bootListen?: string;
  /** The URL machines reach that server by (default http://<boot-listen>). */
  bootUrl?: string;
}

export interface ApiProcessOptions extends HttpOptions {
  rpcSecretFile?: string;
  heartbeatTimeout?: number;
  secretsKeyFile?: string;
  stateDir?: string;
}

/**
 * The managers' shared RPC secret, from a file or IRONPLAN_RPC_SECRET: without one, RPC is refused (an
 * API or manager that anyone on the network could drive would hand out every BMC).
 */
function loadRpcSecret(file: string | undefined): string {
  const text = (file ? readFileSync(file, 'utf8') : process.env.IRONPLAN_RPC_SECRET ?? '').trim();
  if (text.length < 16) throw new Error('the RPC secret (--rpc-secret-file or IRONPLAN_RPC_SECRET) must be given and at least 16 characters long');
  return text;
}

/** The tokens file (schemas/tokens.schema.json): system tokens, and project-scoped ones with a project. */
function loadTokens(o: HttpOptions): Tokens {
  const text = o.tokensFile ? readFileSync(o.tokensFile, 'utf8') : process.env.IRONPLAN_TOKENS;
  if (!text) throw new Error('--auth token needs --tokens-file or IRONPLAN_TOKENS (JSON: [{"token": "...", "role": "admin"}])');
  try {
    return assertValid<Tokens>('tokens.schema.json', JSON.parse(text), 'tokens');
  } catch (err) {
    throw new Error(`tokens must be a JSON array of {"token": string, "role": "admin" | "reader"} or, scoped to a project, {"token", "role": "admin" | "manager" | "member" | "reader", "project": string}: ${(err as Error).message}`);
  }
}

function managerSettings(o: ManagerOptions, apiUrl: string) {
  const stateDir = resolve(o.stateDir);
  return {
    apiUrl,
    stateDir,
    bootRoot: o.bootRoot ? resolve(o.bootRoot) : join(stateDir, 'boot'),
    deployCallbackTimeoutSec: o.deployCallbackTimeout,
    automatedClean: o.automatedClean && process.env.IRONPLAN_AUTOMATED_CLEAN !== 'false',
  };
}

async function listenHttp(engine: Engine, o: HttpOptions, log: Logger) {
  const { buildServer } = await import('../http/server.js');
  const app = await buildServer(engine, {
    auth: o.auth === 'token' ? { mode: 'token', tokens: loadTokens(o) } : { mode: 'none', tokens: [] },
    logger: log as unknown as object,
    bootRoot: engine.settings.bootRoot,
    tls: tlsServerFiles(o),
  });
  await app.listen({ host: o.host, port: o.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return { app, port, scheme: o.tlsCert ? 'https' : 'http' };
}

/** The agent's own plain-HTTP listener (--agent-listen): what the ramdisk reaches when the API is HTTPS. */
async function listenAgent(engine: Engine, o: HttpOptions, log: Logger): Promise<{ close(): Promise<unknown> } | undefined> {
  if (!o.agentListen) return undefined;
  const [host, port] = hostPort(o.agentListen, '--agent-listen');
  const { buildAgentServer } = await import('../http/server.js');
  const app = await buildAgentServer(engine, { logger: log as unknown as object, bootRoot: engine.settings.bootRoot });
  await app.listen({ host, port });
  process.stderr.write(`ironplan serving the deploy agent's endpoints on http://${host}:${(app.server.address() as { port: number }).port}\n`);
  return app;
}

/** Where the agent and iPXE reach this service by default: the agent listener if there is one. */
function defaultApiUrl(o: HttpOptions): string {
  const local = (h: string) => (h === '0.0.0.0' ? '127.0.0.1' : h);
  if (o.agentListen) {
    const [host, port] = hostPort(o.agentListen, '--agent-listen');
    return `http://${local(host)}:${port}`;
  }
  return `${o.tlsCert ? 'https' : 'http'}://${local(o.host)}:${o.port}`;
}

/** The same boot root (kernels, ramdisks, per-node iPXE scripts) over TFTP, for firmware that wants it. */
async function startTftp(engine: Engine, o: ManagerOptions, host: string, log: Logger): Promise<{ close(): Promise<void> } | undefined> {
  if (o.tftpPort === undefined) return undefined;
  const { mkdirSync } = await import('node:fs');
  mkdirSync(engine.settings.bootRoot, { recursive: true });
  const { createTftpServer } = await loadTftpServer();
  const server = createTftpServer({ root: engine.settings.bootRoot, host: o.tftpHost ?? host, port: o.tftpPort, logger: log });
  const bound = await server.listen();
  process.stderr.write(`ironplan TFTP serving ${engine.settings.bootRoot} on ${bound.address}:${bound.port}\n`);
  return server;
}

const newLog = () => pino({ level: process.env.IRONPLAN_LOG_LEVEL ?? 'info' }) as unknown as Logger;

export async function serve(o: ServeOptions): Promise<void> {
  const log = newLog();
  const apiUrl = o.apiUrl ?? defaultApiUrl(o);
  const engine = await Engine.open({
    database: o.db,
    secretsKeyFile: o.secretsKeyFile,
    log,
    settings: managerSettings(o, apiUrl),
    powerSyncIntervalSec: o.powerSyncInterval,
    heartbeatIntervalSec: o.heartbeatInterval,
    heartbeatTimeoutSec: o.heartbeatTimeout,
    drivers: BUILTIN_DRIVERS,
    driverModules: o.driver ?? [],
  });
  const { app, port, scheme } = await listenHttp(engine, o, log);
  process.stderr.write(`ironplan serving on ${scheme}://${o.host}:${port} (database ${o.db})\n`);
  const agent = await listenAgent(engine, o, log);
  const tftp = await startTftp(engine, o, o.host, log);
  closeOnSignals(log, { app, close: async () => { await tftp?.close(); await agent?.close(); await app.close(); await engine.close(); } });
}

/** `ironplan api`: the HTTP API only; every manager call goes over RPC to the owning manager. */
export async function api(o: ApiProcessOptions): Promise<void> {
  const log = newLog();
  const engine = await Engine.openApi({
    database: o.db,
    log,
    rpcSecret: loadRpcSecret(o.rpcSecretFile),
    heartbeatTimeoutSec: o.heartbeatTimeout,
    secretsKeyFile: o.secretsKeyFile,
    settings: o.stateDir ? { stateDir: resolve(o.stateDir) } : undefined,
    rpcClientTls: tlsClientFiles(o),
  });
  const { app, port, scheme } = await listenHttp(engine, o, log);
  process.stderr.write(`ironplan API serving on ${scheme}://${o.host}:${port} (database ${o.db}; managers over RPC)\n`);
  const agent = await listenAgent(engine, o, log);
  closeOnSignals(log, { app, close: async () => { await agent?.close(); await app.close(); await engine.close(); } });
}

/** `ironplan manager`: drivers and the conductor, answering the API services' RPC calls. */
export async function manager(o: ManagerProcessOptions): Promise<void> {
  const log = newLog();
  const [rpcHost, rpcPort] = hostPort(o.rpcListen, '--rpc-listen');
  const settings = managerSettings(o, o.apiUrl ?? 'http://127.0.0.1:6385');
  // Up before the manager registers, so the boot URL it records (and writes into iPXE scripts) answers.
  let boot: { app: { close(): Promise<unknown> }; url: string } | undefined;
  if (o.bootListen) {
    const [host, port] = hostPort(o.bootListen, '--boot-listen');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(settings.bootRoot, { recursive: true });
    const { startBootServer } = await import('../http/boot.js');
    boot = await startBootServer(settings.bootRoot, host, port, o.bootTls ? tlsServerFiles(o) : undefined);
  }
  const engine = await Engine.open({
    database: o.db,
    secretsKeyFile: o.secretsKeyFile,
    log,
    settings: { ...settings, bootUrl: o.bootUrl ?? boot?.url },
    powerSyncIntervalSec: o.powerSyncInterval,
    heartbeatIntervalSec: o.heartbeatInterval,
    heartbeatTimeoutSec: o.heartbeatTimeout,
    drivers: BUILTIN_DRIVERS,
    driverModules: o.driver ?? [],
    group: o.group ?? '',
    rpc: { host: rpcHost, port: rpcPort, secret: loadRpcSecret(o.rpcSecretFile), tls: tlsServerFiles(o) },
    rpcClientTls: tlsClientFiles(o),
  });
  if (boot) process.stderr.write(`ironplan manager serving boot files from ${settings.bootRoot} at ${o.bootUrl ?? boot.url}\n`);
  process.stderr.write(`ironplan manager ${engine.conductor.id} (group "${o.group ?? ''}") answering RPC on ${engine.rpcUrl} (database ${o.db})\n`);
  const tftp = await startTftp(engine, o, o.host ?? rpcHost, log);
  closeOnSignals(log, { close: async () => { await tftp?.close(); await boot?.app.close(); await engine.close(); } });
}

function hostPort(value: string, flag: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(value);
  if (!m) throw new Error(`${flag}: "${value}" is not host:port`);
  return [m[1]!, Number(m[2])];
}

/**
 * SIGTERM and SIGINT close the process within a bound: responses in flight get a grace period, then their
 * connections are cut; if closing still has not finished the process exits regardless (1).
 */
function closeOnSignals(log: Logger, what: { app?: { server: { closeAllConnections(): void } }; close(): Promise<void> }): void {
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
    // request (a client that stopped reading) must not keep the process alive.
    const cut = setTimeout(() => {
      log.warn({ graceMs: SHUTDOWN_GRACE_MS }, 'closing connections still open after the grace period');
      what.app?.server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    const giveUp = setTimeout(() => exitNow(`shutdown did not finish within ${SHUTDOWN_LIMIT_MS} ms`), SHUTDOWN_LIMIT_MS);
    cut.unref();
    giveUp.unref();
    try {
      await what.close();
    } catch (err) {
      log.error({ err: String(err) }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
