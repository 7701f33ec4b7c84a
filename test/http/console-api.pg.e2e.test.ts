// The applies list, the newest event and the conductor filter on a real PostgreSQL 15, as on SQLite
// (console-api.test.ts): the page boundary (started_at, then id), the grouped action counts.
import { hasPostgres } from '../engine/pg.js';
import { appliesEventsFilters } from './console-api-suite.js';
import { startPgHarness } from './pg-harness.js';

if (!hasPostgres) console.warn('\n*** PostgreSQL (initdb) is not on PATH: the console API on PostgreSQL is SKIPPED ***\n');

if (hasPostgres) {
  appliesEventsFilters('PostgreSQL', startPgHarness);
}
