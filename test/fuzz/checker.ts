// One generated request checked the way every fuzzer here checks it: no 5xx, an answer in time, and a
// refused request leaves every record as it was (SQLite rows compared before and after). Also counts
// what escaped the server (uncaught exceptions, unhandled rejections) while it ran.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { dbSnapshotter, firstDifference, type DbSnapshotter } from './db-snapshot.js';

export interface FuzzFinding {
  kind: '5xx' | 'changed-by-refused' | 'crash' | 'hung' | 'thrown';
  request: string;
  detail: string;
}

export interface FuzzTally {
  requests: number;
  byStatus: Record<string, number>;
  findings: FuzzFinding[];
}

const HANG_MS = 5000;

export const describeReq = (r: InjectOptions) => `${r.method} ${String(r.url).slice(0, 300)} headers=${JSON.stringify(r.headers)} body=${String(r.payload ?? '').slice(0, 300)}`;

/** Calls fn on every uncaught exception or unhandled rejection until the returned function is called. */
export function watchCrashes(onCrash: (detail: string) => void): () => void {
  const listener = (err: unknown) => onCrash(String((err as Error)?.stack ?? err).slice(0, 1000));
  process.on('uncaughtException', listener);
  process.on('unhandledRejection', listener);
  return () => {
    process.off('uncaughtException', listener);
    process.off('unhandledRejection', listener);
  };
}

export class Checker {
  readonly tally: FuzzTally = { requests: 0, byStatus: {}, findings: [] };
  private readonly snap: DbSnapshotter;
  private readonly unwatch: () => void;

  constructor(private readonly app: FastifyInstance, dbFile: string) {
    this.snap = dbSnapshotter(dbFile);
    this.unwatch = watchCrashes((detail) => this.tally.findings.push({ kind: 'crash', request: '', detail }));
  }

  /** Sends req and checks it; undefined when it never got an answer (or could not be built). */
  async check(req: InjectOptions): Promise<LightMyRequestResponse | undefined> {
    const before = this.snap.take();
    const res = await this.send(req);
    if (!res) return undefined;
    this.tally.requests++;
    this.tally.byStatus[res.statusCode] = (this.tally.byStatus[res.statusCode] ?? 0) + 1;
    if (res.statusCode >= 500) this.tally.findings.push({ kind: '5xx', request: describeReq(req), detail: `${res.statusCode} ${res.body.slice(0, 500)}` });
    if (res.statusCode < 400) {
      if (req.method !== 'GET' && req.method !== 'HEAD') await this.settle();
      return res;
    }
    if (this.snap.take() === before) return res;
    // Background work of an earlier accepted request may have landed meanwhile: ask again once.
    await this.settle();
    const before2 = this.snap.take();
    const res2 = await this.send(req);
    const after2 = this.snap.take();
    if (res2 && res2.statusCode >= 400 && after2 !== before2) {
      this.tally.findings.push({ kind: 'changed-by-refused', request: describeReq(req), detail: `${res2.statusCode} ${res2.body.slice(0, 300)}; ${firstDifference(before2, after2)}` });
    }
    return res;
  }

  /** Waits until no record changes for a moment (a 202 finishes its work in the background). */
  async settle(maxMs = 2000): Promise<void> {
    let last = this.snap.take();
    const end = Date.now() + maxMs;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 15));
      const now = this.snap.take();
      if (now === last) return;
      last = now;
    }
  }

  /** The server still answers after all of it; stops watching for crashes. */
  async finish(): Promise<FuzzTally> {
    const alive = await this.app.inject({ method: 'GET', url: '/v1' });
    if (alive.statusCode !== 200) this.tally.findings.push({ kind: 'crash', request: 'GET /v1', detail: `answered ${alive.statusCode} after the run` });
    this.unwatch();
    this.snap.close();
    return this.tally;
  }

  private async send(req: InjectOptions): Promise<LightMyRequestResponse | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), HANG_MS)));
    try {
      const res = await Promise.race([this.app.inject(req), hung]);
      if (res !== 'hung') return res;
      // ?wait=N may legitimately hold a 202 for N seconds; anything else this slow is a finding.
      if (!/[?&]wait=/.test(String(req.url))) this.tally.findings.push({ kind: 'hung', request: describeReq(req), detail: `no answer in ${HANG_MS} ms` });
      return undefined;
    } catch {
      return undefined; // light-my-request refused to build it (an invalid header): it never reached the server
    } finally {
      clearTimeout(timer);
    }
  }
}
