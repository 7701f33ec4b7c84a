#!/usr/bin/env node
// bench/fuzz: the full fuzzing runs (CI runs a few hundred of each in test/fuzz/*.test.ts) and their figures:
// requests or packets sent, answers by status, 5xx, crashes, records changed by refused requests.
//   HTTP API        every registered route, 10,000 generated hostile requests
//   heartbeat       10,000 agent heartbeat bodies with the real token, node waiting for its agent
//   TFTP            10,000 malformed packets and option combinations
//   fleet file      10,000 generated YAML/JSON fleet files
// Run: node bench/fuzz/run.mjs [--runs 10000] [--seed N] [--only http,agent,tftp,fleet] [--json]
// No build needed: the fuzzers (TypeScript, under test/fuzz) are bundled on the fly with esbuild.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Imports the TypeScript fuzzers, bundled next to this file so the package root (schemas/) is found. */
export async function loadFuzzers() {
  const out = join(here, `.bundle-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: ['http-fuzz', 'agent-fuzz', 'tftp-fuzz', 'fleet-fuzz'].map((m) => `export * from '../../test/fuzz/${m}.ts';`).join('\n'),
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: out,
    logLevel: 'error',
  });
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    await rm(out, { force: true });
  }
}

/** Runs the chosen fuzzers; one row per target. */
export async function runFuzz({ runs = 10_000, seed = 1, only = ['http', 'agent', 'tftp', 'fleet'], log = () => {} } = {}) {
  const f = await loadFuzzers();
  const dir = await mkdtemp(join(tmpdir(), 'ironplan-fuzz-bench-'));
  const rows = [];
  const timed = async (target, fn) => {
    const t0 = performance.now();
    log(`fuzzing ${target}: ${runs} inputs…`);
    const r = await fn();
    rows.push({ target, ...r, seconds: (performance.now() - t0) / 1000 });
  };
  try {
    if (only.includes('http')) {
      await timed('http', async () => {
        const r = await f.fuzzHttp({ runs, seed });
        return { inputs: r.requests, routes: r.routes, byStatus: r.byStatus, findings: r.findings };
      });
    }
    if (only.includes('agent')) {
      await timed('heartbeat', async () => {
        const r = await f.fuzzHeartbeat({ runs, seed });
        return { inputs: r.requests, byStatus: r.byStatus, findings: r.findings, redeploys: r.redeploys };
      });
    }
    if (only.includes('tftp')) {
      await timed('tftp', async () => {
        const r = await f.fuzzTftp({ runs, seed, dir });
        return { inputs: r.packets, replies: r.replies, findings: r.findings };
      });
    }
    if (only.includes('fleet')) {
      await timed('fleet-file', async () => {
        const r = await f.fuzzFleetFile({ runs, seed, dir });
        return { inputs: r.files, accepted: r.accepted, refused: r.refused, findings: r.findings };
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

const count = (row, kind) => row.findings.filter((x) => x.kind === kind).length;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The yaml parser warns about the odd tags and directives the fleet fuzzer feeds it; they are expected.
  process.removeAllListeners('warning');
  const rows = await runFuzz({
    runs: Number(arg('runs', '10000')),
    seed: Number(arg('seed', '1')),
    only: arg('only', 'http,agent,tftp,fleet').split(','),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows));
  } else {
    console.log('target       inputs   5xx  crashes  changed-by-refused  hung  other  seconds  answers');
    for (const r of rows) {
      const other = count(r, 'thrown');
      const answers = r.byStatus ? Object.entries(r.byStatus).map(([s, n]) => `${s}:${n}`).join(' ') : r.replies !== undefined ? `${r.replies} replies` : `${r.accepted} accepted, ${r.refused} refused`;
      console.log(`${r.target.padEnd(11)} ${String(r.inputs).padStart(7)} ${String(count(r, '5xx')).padStart(5)} ${String(count(r, 'crash')).padStart(8)} ${String(count(r, 'changed-by-refused')).padStart(19)} ${String(count(r, 'hung')).padStart(5)} ${String(other).padStart(6)} ${r.seconds.toFixed(1).padStart(8)}  ${answers}`);
    }
    for (const r of rows) for (const x of r.findings.slice(0, 5)) console.log(`  ${r.target} ${x.kind}: ${x.request} -> ${x.detail}`);
  }
  const total = rows.reduce((n, r) => n + r.findings.length, 0);
  process.exitCode = total ? 1 : 0;
}
