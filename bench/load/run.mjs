#!/usr/bin/env node
// bench/load: one `ironplan serve` (SQLite, fake hardware) under 200 concurrent clients mixing reads,
// creates, patches and state changes for 60 s. Prints requests, rate, p50/p99, answers by status, errors
// (anything but a 4xx given by design), and the server's RSS sampled every second (first, last, max, and
// the slope of a least-squares line over the run: a leak shows as a steady climb).
// Run: npm run build && node bench/load/run.mjs [--clients 200] [--seconds 60]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpPort } from '../../dist/lab/ports.js';
import { runLoad } from './load.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const clients = Number(arg('clients', '200'));
const seconds = Number(arg('seconds', '60'));

async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

const dir = await mkdtemp(join(tmpdir(), 'ironplan-load-'));
const port = await freeTcpPort();
const child = spawn(process.execPath, [join(root, 'bin', 'ironplan.js'), 'serve', '--port', String(port), '--db', join(dir, 'load.db'), '--state-dir', join(dir, 'state'), '--power-sync-interval', '0', '--no-automated-clean'], {
  env: { ...process.env, IRONPLAN_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const endpoint = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    if (await fetch(`${endpoint}/v1`).then((r) => r.ok, () => false)) break;
    if (i > 100) throw new Error('ironplan serve did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const rss = [];
  const r = await runLoad({ endpoint, clients, seconds, onSecond: () => rssMb(child.pid).then((m) => rss.push(m), () => {}) });
  const n = rss.length;
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  const xs = rss.map((_, i) => i);
  const mx = mean(xs);
  const my = mean(rss);
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (rss[i] - my), 0) / (xs.reduce((s, x) => s + (x - mx) ** 2, 0) || 1);
  // The second half alone: warm-up (JIT, caches) is over; a leak still climbs there.
  const half = rss.slice(Math.floor(n / 2));
  console.log(`load: ${clients} clients, ${seconds} s against ironplan serve (SQLite, fake hardware)`);
  console.log(`  requests ${r.requests} (${r.perSecond.toFixed(0)}/s), nodes created ${r.nodes}`);
  console.log(`  latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`);
  console.log(`  answers ${Object.entries(r.byStatus).map(([s, c]) => `${s}:${c}`).join(' ')}`);
  console.log(`  by operation ${Object.entries(r.byOp).map(([s, c]) => `${s}:${c}`).join(' ')}`);
  console.log(`  errors (5xx or connection) ${r.errors.length}${r.errors.length ? `: ${r.errors.slice(0, 5).join(' | ')}` : ''}`);
  console.log(`  RSS MB: first ${rss[0]?.toFixed(0)}, last ${rss.at(-1)?.toFixed(0)}, max ${Math.max(...rss).toFixed(0)}; slope ${slope.toFixed(2)} MB/s over the run, ${half.length > 1 ? ((half.at(-1) - half[0]) / (half.length - 1)).toFixed(2) : 'n/a'} MB/s over its second half (${n} samples)`);
  process.exitCode = r.errors.length ? 1 : 0;
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(dir, { recursive: true, force: true });
}
