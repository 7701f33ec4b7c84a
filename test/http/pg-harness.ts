// A harness whose engine runs on a PostgreSQL 15 of its own, started before the suite and stopped after it.
import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from './helpers.js';
import { startPostgres } from '../engine/pg.js';

/** A harness on a PostgreSQL of its own; its close() also stops that PostgreSQL. For suites that take a start(). */
export async function startPgHarness(): Promise<Harness> {
  const pg = await startPostgres();
  try {
    const h = await startHarness({}, { database: pg.url });
    return { ...h, close: async () => (await h.close(), await pg.stop()) };
  } catch (err) {
    await pg.stop();
    throw err;
  }
}

/** Call inside a describe: the returned getter gives the harness once beforeAll has run. */
export function pgHarness(): () => Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startPgHarness();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });
  return () => h!;
}
