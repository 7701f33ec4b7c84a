// BIOS settings of a fake-hardware node through the API on a real PostgreSQL 15 (bios_settings' "unique"
// column is a reserved word there), the same cases as on SQLite (bios-suite.ts).
import { hasPostgres } from '../engine/pg.js';
import { biosSuite } from './bios-suite.js';
import { startPgHarness } from './pg-harness.js';

if (!hasPostgres) console.warn('\n*** PostgreSQL (initdb) is not on PATH: BIOS settings on PostgreSQL are SKIPPED ***\n');

if (hasPostgres) {
  biosSuite('PostgreSQL', startPgHarness);
}
