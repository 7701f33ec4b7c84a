// CI's share of the HTTP fuzzing (bench/fuzz/run.mjs runs 10,000): every registered route, seeded.
import { describe, expect, it } from 'vitest';
import { fuzzHttp, startFuzzHarness } from './http-fuzz.js';

const RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 400);

describe('HTTP API under generated hostile requests', () => {
  it('lists every registered route, as fastify has them', async () => {
    const { h, routes: found } = await startFuzzHarness();
    try {
      const routes = found.map((r) => `${r.method} ${r.url}`);
      expect(routes).toContain('POST /v1/nodes');
      expect(routes).toContain('PATCH /v1/nodes/:ident');
      expect(routes).toContain('POST /v1/heartbeat/:ident');
      expect(routes).toContain('GET /boot/*');
      expect(routes).toContain('PUT /v1/specs/deployments/:name');
      expect(routes.length).toBeGreaterThan(60);
    } finally {
      await h.close();
    }
  });

  it(`answers ${RUNS} of them without a 5xx, a crash or a record changed by a refusal`, async () => {
    const r = await fuzzHttp({ runs: RUNS, seed: 20261130 });
    expect(r.findings).toEqual([]);
    expect(r.requests).toBeGreaterThan(RUNS * 0.9);
  }, 60_000);
});
