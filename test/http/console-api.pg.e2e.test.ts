// The applies list, the newest event and the conductor filter on a real PostgreSQL 15, as on SQLite
// (console-api.test.ts): the page boundary (started_at, then id), the grouped action counts.
import { hasPostgres, startPostgres, type Postgres } from '../engine/pg.js';
import { appliesEventsFilters } from './console-api-suite.js';
import { startHarness } from './helpers.js';

if (!hasPostgres) console.warn('\n*** PostgreSQL (initdb) is not on PATH: the console API on PostgreSQL is SKIPPED ***\n');

if (hasPostgres) {
  appliesEventsFilters('PostgreSQL', async () => {
    const pg: Postgres = await startPostgres();
    const h = await startHarness({}, { database: pg.url });
    return { ...h, close: async () => (await h.close(), await pg.stop()) };
  });
}
