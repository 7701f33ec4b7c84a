// CI's share of the fleet-file fuzzing (bench/fuzz/run.mjs runs 10,000).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fuzzFleetFile } from './fleet-fuzz.js';

const RUNS = Number(process.env.FUZZ_FLEET_RUNS ?? 300);

it(`reads ${RUNS} generated fleet files into a valid fleet or a 400-class refusal, nothing else`, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ironplan-fleet-fuzz-'));
  try {
    const r = await fuzzFleetFile({ runs: RUNS, seed: 20261130, dir });
    console.log(JSON.stringify({ files: r.files, accepted: r.accepted, refused: r.refused }));
    expect(r.findings).toEqual([]);
    expect(r.accepted).toBeGreaterThan(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, Math.max(60_000, RUNS * 20));
