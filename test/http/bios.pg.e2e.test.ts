// BIOS settings of a fake-hardware node through the API on a real PostgreSQL 15 (bios_settings' "unique"
// column is a reserved word there), the same cases as on SQLite (bios-suite.ts).
import { hasPostgres, startPostgres, type Postgres } from '../engine/pg.js';
import { biosSuite } from './bios-suite.js';
import { startHarness } from './helpers.js';

if (!hasPostgres) console.warn('\n*** PostgreSQL (initdb) is not on PATH: BIOS settings on PostgreSQL are SKIPPED ***\n');

if (hasPostgres) {
  biosSuite('PostgreSQL', async () => {
    const pg: Postgres = await startPostgres();
    const h = await startHarness({}, { database: pg.url });
    return { ...h, close: async () => (await h.close(), await pg.stop()) };
  });
}
