// The short version of bench/load: 20 clients for 5 s mixing reads, creates, patches and state changes
// against a listening server on a real SQLite file. Refusals by design (409, 400) are fine; a 5xx or a
// dropped connection is not.
import { expect, it } from 'vitest';
import { runLoad } from '../../bench/load/load.mjs';
import { startHarness } from '../http/helpers.js';

it('serves 20 concurrent clients for 5 s without a 5xx or a failed connection', async () => {
  const h = await startHarness({}, { settings: { automatedClean: false } as never });
  try {
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.app.server.address() as { port: number };
    const r = await runLoad({ endpoint: `http://127.0.0.1:${port}`, clients: 20, seconds: 5 });
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.byStatus).filter((s) => Number(s) >= 500)).toEqual([]);
    expect(r.byOp.create).toBeGreaterThan(0);
    expect(r.byOp.power).toBeGreaterThan(0);
    expect(r.requests).toBeGreaterThan(100);
  } finally {
    await h.close();
  }
}, 30_000);
