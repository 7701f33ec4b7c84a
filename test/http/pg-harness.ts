// A harness whose engine runs on a PostgreSQL 15 of its own, started before the suite and stopped after it.
import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from './helpers.js';
import { startPostgres, type Postgres } from '../engine/pg.js';

/** Call inside a describe: the returned getter gives the harness once beforeAll has run. */
export function pgHarness(): () => Harness {
  let pg: Postgres | undefined;
  let h: Harness | undefined;
  beforeAll(async () => {
    pg = await startPostgres();
    h = await startHarness({}, { database: pg.url });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await pg?.stop();
  });
  return () => h!;
}
