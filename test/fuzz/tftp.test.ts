// CI's share of the TFTP fuzzing (bench/fuzz/run.mjs sends 10,000 packets).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fuzzTftp } from './tftp-fuzz.js';

const RUNS = Number(process.env.FUZZ_TFTP_RUNS ?? 500);

it(`survives ${RUNS} malformed packets and option combinations, then serves a file intact`, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ironplan-tftp-fuzz-'));
  try {
    const r = await fuzzTftp({ runs: RUNS, seed: 20261130, dir });
    console.log(JSON.stringify({ packets: r.packets, replies: r.replies }));
    expect(r.findings).toEqual([]);
    expect(r.replies).toBeGreaterThan(RUNS / 4);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, Math.max(60_000, RUNS * 20));
