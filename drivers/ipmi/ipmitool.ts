import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DriverError, type Logger } from '../types.js';
import type { IpmiConnection } from './driver-info.js';
import { classifyFailure, timeoutFailure, type ClassifiedFailure } from './ipmitool-errors.js';
import { KeyedSerializer } from './keyed-serializer.js';

export interface IpmitoolClientOptions {
  /** The ipmitool program (Debian's, found on PATH, unless told otherwise). */
  binary?: string;
  /** First retry delay; each later retry doubles it. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

export interface IpmitoolResult {
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** `host:port` as shown in messages and used to serialize sessions to one BMC. */
export function bmcLabel(conn: Pick<IpmiConnection, 'address' | 'port'>): string {
  return conn.address.includes(':') ? `[${conn.address}]:${conn.port}` : `${conn.address}:${conn.port}`;
}

/**
 * Runs ipmitool (never through a shell) against one BMC at a time per address:port, with a per-call
 * deadline and backoff retries for failures that can clear up (no answer), not for rejected credentials.
 */
export class IpmitoolClient {
  private readonly binary: string;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly sessions = new KeyedSerializer();

  constructor(options: IpmitoolClientOptions = {}) {
    this.binary = options.binary ?? 'ipmitool';
    this.backoffBaseMs = options.backoffBaseMs ?? 500;
    this.backoffMaxMs = options.backoffMaxMs ?? 8000;
  }

  run(conn: IpmiConnection, command: readonly string[], log?: Logger): Promise<IpmitoolResult> {
    return this.sessions.run(bmcLabel(conn), () => this.runWithRetries(conn, command, log));
  }

  /** Runs a read-only command; output `parse` does not recognise (null) is a DriverOperationError. */
  async query<T>(conn: IpmiConnection, command: readonly string[], parse: (stdout: string) => T | null, log?: Logger): Promise<T> {
    const { stdout } = await this.run(conn, command, log);
    const value = parse(stdout);
    if (value === null) {
      throw new DriverError('DriverOperationError', `BMC ${bmcLabel(conn)} answered "${command.join(' ')}" with unexpected output: ${stdout.trim()}`);
    }
    return value;
  }

  private async runWithRetries(conn: IpmiConnection, command: readonly string[], log?: Logger): Promise<IpmitoolResult> {
    const bmc = bmcLabel(conn);
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.runOnce(conn, command);
      if (!('failure' in outcome)) {
        log?.debug({ bmc, command: command.join(' '), attempt, ms: Math.round(outcome.durationMs) }, 'ipmitool ok');
        return outcome;
      }
      const { error, transient } = outcome.failure;
      if (!transient || attempt >= conn.retries) {
        log?.warn({ bmc, command: command.join(' '), attempt, code: error.code }, error.message);
        if (transient && attempt > 0) {
          throw new DriverError(error.code, `${error.message} (gave up after ${attempt + 1} attempts)`, error.field);
        }
        throw error;
      }
      const delayMs = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** attempt);
      log?.info({ bmc, command: command.join(' '), attempt, delayMs }, `retrying: ${error.message}`);
      await sleep(delayMs);
    }
  }

  private runOnce(conn: IpmiConnection, command: readonly string[]): Promise<IpmitoolResult | { failure: ClassifiedFailure }> {
    const bmc = bmcLabel(conn);
    const started = performance.now();
    return new Promise((resolve) => {
      const child = spawn(this.binary, [...connectionArgs(conn), ...command], {
        env: childEnv(conn),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, conn.timeoutSec * 1000);
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why = err.code === 'ENOENT' ? `${this.binary} is not installed (Debian package ipmitool)` : err.message;
        resolve({ failure: { error: new DriverError('DriverOperationError', `cannot run ipmitool for BMC ${bmc}: ${why}`), transient: false } });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const durationMs = performance.now() - started;
        if (timedOut) resolve({ failure: timeoutFailure(bmc, conn.timeoutSec) });
        else if (code === 0) resolve({ stdout, stderr, durationMs });
        else resolve({ failure: classifyFailure(bmc, stderr, code, conn.cipherSuite) });
      });
    });
  }
}

function connectionArgs(conn: IpmiConnection): string[] {
  // ipmitool retransmits on its own (-N seconds, -R tries, growing waits); keep that inside our
  // deadline so a dead BMC is reported by us, on time, rather than after ipmitool's ~20 s default.
  const retransmitSec = Math.max(1, Math.floor(conn.timeoutSec / 2));
  return [
    '-I', 'lanplus',
    '-H', conn.address,
    '-p', String(conn.port),
    // Without an explicit suite ipmitool spends ~10 s discovering one.
    '-C', String(conn.cipherSuite),
    '-N', String(retransmitSec),
    '-R', '1',
    // Verbose output is the only place ipmitool says *why* a session failed (see ipmitool-errors.ts).
    '-v',
    ...(conn.username ? ['-U', conn.username] : []),
    // -E: the password comes from IPMI_PASSWORD, so it never shows in any process's argument list.
    ...(conn.password ? ['-E'] : []),
  ];
}

function childEnv(conn: IpmiConnection): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    // Output is parsed; keep it in the C locale.
    LC_ALL: 'C',
  };
  if (conn.password) env.IPMI_PASSWORD = conn.password;
  return env;
}
