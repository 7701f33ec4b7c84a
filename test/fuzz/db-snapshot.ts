// Every record as text, read through a second (read-only) connection to the engine's SQLite file: a
// refused request must leave this unchanged. The conductors' own heartbeat rows change by themselves.
import SQLite from 'better-sqlite3';

const SKIP = new Set(['conductors', 'kysely_migration', 'kysely_migration_lock', 'sqlite_sequence']);
/** Append-only tables: an added row shows in their count and last id, and reading them whole each time grows with the run. */
const APPEND_ONLY = new Set(['events']);

export interface DbSnapshotter {
  take(): string;
  close(): void;
}

export function dbSnapshotter(file: string): DbSnapshotter {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>)
    .map((r) => r.name)
    .filter((n) => !SKIP.has(n));
  const reads = tables.map((t) => [t, db.prepare(APPEND_ONLY.has(t) ? `SELECT count(*) AS n, max(rowid) AS last FROM "${t}"` : `SELECT * FROM "${t}" ORDER BY rowid`)] as const);
  return {
    take: () => JSON.stringify(reads.map(([t, s]) => [t, s.all()])),
    close: () => db.close(),
  };
}

/** The first table whose rows differ between two snapshots, for a readable failure. */
export function firstDifference(before: string, after: string): string {
  const a = new Map(JSON.parse(before) as Array<[string, unknown[]]>);
  for (const [t, rows] of JSON.parse(after) as Array<[string, unknown[]]>) {
    const old = JSON.stringify(a.get(t));
    if (old !== JSON.stringify(rows)) return `${t}: ${old.slice(0, 400)} -> ${JSON.stringify(rows).slice(0, 400)}`;
  }
  return 'no difference';
}
