// A throwaway PostgreSQL 15 cluster on 127.0.0.1, for the lab and the suites that need a shared database (initdb,
// pg_ctl and postgres are on PATH; as root the cluster runs as the postgres user, since initdb refuses root).
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from './ports.js';

export const hasPostgres = (() => {
  try {
    execFileSync('initdb', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const asPg = (cmd: string, args: string[]) =>
  process.getuid?.() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });

export interface Postgres {
  /** The default database's URL. */
  url: string;
  dir: string;
  /** The URL of another database of the cluster (created by the caller). */
  urlOf(database: string): string;
  /** The postmaster's pid (for CPU accounting). */
  pid(): number;
  stop(): void;
}

export async function startPostgres(): Promise<Postgres> {
  const dir = mkdtempSync(join(tmpdir(), 'ironplan-pg-'));
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  const port = await freeTcpPort();
  asPg('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'ironplan']);
  asPg('pg_ctl', ['-D', join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, '-l', join(dir, 'log'), '-w', 'start']);
  const urlOf = (database: string) => `postgres://ironplan@127.0.0.1:${port}/${database}`;
  return {
    url: urlOf('postgres'),
    dir,
    urlOf,
    pid: () => Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop() {
      try {
        asPg('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
