// The built `ironplan` command as a person runs it: `serve` as a child process on a temporary SQLite
// database and a free port, and one-shot CLI runs against it. Shared by the CLI end-to-end suites.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freeTcpPort } from '../../lab/ports.js';

export const root = join(import.meta.dirname, '..', '..');
export const bin = join(root, 'bin', 'ironplan.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, IRONPLAN_LOG_LEVEL: 'silent' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export interface Served {
  endpoint: string;
  child: ChildProcess;
  /** Resolves when the process has exited, with its exit code (null if killed by a signal) and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to stderr so far (its start-up line, warnings). */
  stderr(): string;
  /** SIGKILL if still running: the test's cleanup, whatever the test found. */
  kill(): void;
}

/**
 * Starts `ironplan serve` in dir and waits until it answers GET /v1 (on `port`, to restart it where it was).
 * With --tls-cert in args it serves HTTPS: the endpoint is https:// and it is ready once it says it is serving on
 * https:// (a plain fetch does not trust the test CA).
 */
export async function startServe(dir: string, args: string[] = [], port?: number): Promise<Served> {
  port ??= await freeTcpPort();
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--db', join(dir, 'served.db'), '--state-dir', join(dir, 'served'), '--power-sync-interval', '0', ...args], {
    cwd: dir,
    env: { ...process.env, IRONPLAN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const tls = args.includes('--tls-cert');
  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const ready = () => (tls ? Promise.resolve(err.includes('serving on https://')) : fetch(`${endpoint}/v1`).then((r) => r.ok, () => false));
  for (let i = 0; ; i++) {
    if (await ready()) break;
    if (child.exitCode !== null || i > 150) {
      child.kill('SIGKILL');
      throw new Error(`ironplan serve did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    child,
    exited,
    stderr: () => err,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
