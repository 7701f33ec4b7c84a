// CI's share of the heartbeat fuzzing (bench/fuzz/run.mjs runs 10,000).
import { expect, it } from 'vitest';
import { fuzzHeartbeat } from './agent-fuzz.js';

const RUNS = Number(process.env.FUZZ_AGENT_RUNS ?? 300);

it(`answers ${RUNS} generated heartbeats (real token, node waiting) without a 5xx, a crash or a change by a refusal`, async () => {
  const r = await fuzzHeartbeat({ runs: RUNS, seed: 20261130 });
  console.log(JSON.stringify({ requests: r.requests, byStatus: r.byStatus, redeploys: r.redeploys }));
  expect(r.findings).toEqual([]);
  expect(r.byStatus[200]).toBeGreaterThan(0);
}, Math.max(60_000, RUNS * 40));
