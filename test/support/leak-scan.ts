// A secret-leak scan for the end-to-end suites that use a known password: every place a secret could end
// up outside the database's sealed column is searched for it, and each finding names where it was. What is
// searched: the database (SQLite file bytes with WAL, or a pg_dump), the service's log output, event rows
// and stored plans, /metrics and any HTTP text the test collected (error bodies), terraform state and plan
// JSON, and the command lines of every process the service started while the test ran (ipmitool must take
// its password from IPMI_PASSWORD with -E, never -P).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expect } from 'vitest';

export interface Finding {
  where: string;
  secret: string;
}

export interface LeakSources {
  /** The secret values to look for (each at least 6 characters, so a hit is no coincidence). */
  secrets: string[];
  /** SQLite database files; their -wal and -shm companions are read too. */
  sqliteFiles?: string[];
  /** PostgreSQL URLs, read whole with pg_dump. */
  postgresUrls?: string[];
  /** Named texts the test captured: log output, HTTP bodies (errors, /metrics, events, plans). */
  texts?: Record<string, string>;
  /** Directories holding terraform state (terraform.tfstate*) and saved plans (*.tfplan, shown as JSON). */
  terraformDirs?: string[];
  /** The environment terraform runs in there (its CLI config: dev_overrides for the provider). */
  terraformEnv?: NodeJS.ProcessEnv;
  /** Command lines seen by a ChildWatcher. */
  cmdlines?: string[];
}

function find(where: string, text: string, secrets: string[], out: Finding[]): void {
  for (const secret of secrets) {
    const at = text.indexOf(secret);
    // Where in the text: enough context to see which field holds it, with the secret itself masked.
    if (at >= 0) out.push({ where: `${where} near "${text.slice(Math.max(0, at - 60), at).replace(/\s+/g, ' ')}<secret>"`, secret });
  }
}

function sqliteText(file: string): Array<[string, string]> {
  const dir = dirname(file);
  return readdirSync(dir)
    .filter((f) => f === basename(file) || f === `${basename(file)}-wal` || f === `${basename(file)}-shm` || f === `${basename(file)}-journal`)
    .map((f) => [join(dir, f), readFileSync(join(dir, f)).toString('latin1')]);
}

function terraformTexts(dir: string, env: NodeJS.ProcessEnv = process.env): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    if (f.startsWith('terraform.tfstate')) out.push([path, readFileSync(path, 'utf8')]);
    else if (f.endsWith('.tfplan')) {
      const json = execFileSync('terraform', ['show', '-json', f], { cwd: dir, env: { ...env, CHECKPOINT_DISABLE: '1' }, maxBuffer: 64 << 20 }).toString();
      out.push([`${path} (terraform show -json)`, json]);
    }
  }
  return out;
}

/** Every place in `sources` holding one of the secrets. */
export function scanForLeaks(sources: LeakSources): Finding[] {
  const secrets = sources.secrets.filter(Boolean);
  for (const s of secrets) if (s.length < 6) throw new Error(`leak scan: secret "${s}" is too short to search for meaningfully`);
  const out: Finding[] = [];
  for (const file of sources.sqliteFiles ?? []) for (const [where, text] of sqliteText(file)) find(where, text, secrets, out);
  for (const url of sources.postgresUrls ?? []) find(`pg_dump ${url}`, execFileSync('pg_dump', ['--no-owner', url], { maxBuffer: 256 << 20 }).toString('latin1'), secrets, out);
  for (const [where, text] of Object.entries(sources.texts ?? {})) find(where, text, secrets, out);
  for (const dir of sources.terraformDirs ?? []) for (const [where, text] of terraformTexts(dir, sources.terraformEnv)) find(where, text, secrets, out);
  for (const line of sources.cmdlines ?? []) find(`command line: ${line.replaceAll(secrets[0] ?? '\0', '<secret>')}`, line, secrets, out);
  return out;
}

/** Fails the test naming every place a secret was found. */
export function expectNoLeaks(sources: LeakSources): void {
  const found = scanForLeaks(sources);
  expect(found.map((f) => `${f.where} holds a secret`), 'secrets leaked').toEqual([]);
}

/** The service's readable texts over HTTP: /metrics, the events as JSON, and the given plans. */
export async function serviceTexts(baseUrl: string, opts: { planIds?: string[]; headers?: Record<string, string>; fetch?: typeof fetch } = {}): Promise<Record<string, string>> {
  const get = async (path: string) => (await (opts.fetch ?? fetch)(`${baseUrl}${path}`, { headers: opts.headers })).text();
  const out: Record<string, string> = {
    '/metrics': await get('/metrics'),
    '/v1/events?format=json': await get('/v1/events?format=json&limit=100000'),
  };
  for (const id of opts.planIds ?? []) out[`/v1/plans/${id}`] = await get(`/v1/plans/${id}`);
  return out;
}

/**
 * Records the command lines of every descendant of the given processes while it runs (ipmitool and
 * friends live for milliseconds: /proc is polled every few milliseconds).
 */
export class ChildWatcher {
  readonly cmdlines = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly roots: number[] = [process.pid]) {}

  start(intervalMs = 5): this {
    this.timer = setInterval(() => this.poll(), intervalMs);
    return this;
  }

  stop(): string[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.poll();
    return [...this.cmdlines];
  }

  /** The commands seen (argv[0] base names), to show the watcher saw what the test expects it to. */
  commands(): string[] {
    return [...new Set([...this.cmdlines].map((l) => basename(l.split(' ')[0] ?? '')))].sort();
  }

  private poll(): void {
    const parent = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // Field 4 (ppid) follows the command name in parentheses, which may hold spaces.
        parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // gone already
      }
    }
    const roots = new Set(this.roots);
    for (const [pid] of parent) {
      if (roots.has(pid)) continue;
      let p: number | undefined = parent.get(pid);
      for (let depth = 0; p !== undefined && p > 1 && depth < 32; depth++, p = parent.get(p)) {
        if (!roots.has(p)) continue;
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
          if (cmd) this.cmdlines.add(cmd);
        } catch {
          // exited between the two reads
        }
        break;
      }
    }
  }
}

export const hasProc = existsSync('/proc/self/stat');
