// A migration commits whole or not at all, on SQLite too: a process killed (or failing) mid-migration
// must not leave half a schema that no later start can migrate.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from '../../engine/store/migrations.js';
import { openStore } from '../../engine/store/open.js';
import { tempDir } from './helpers.js';

describe('migrations (SQLite)', () => {
  it('a migration that fails part-way leaves none of its changes', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'half.sqlite');
      // A database at 0002, then something in the way of 0003's last step.
      const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(file) }) });
      const to2 = await new Migrator({ db, provider: migrationProvider('sqlite') }).migrateTo('0002_meta');
      expect(to2.error).toBeUndefined();
      await db.schema.alterTable('events').addColumn('conductor', 'text').execute();
      await db.destroy();

      await expect(openStore(file)).rejects.toThrow(/migration 0003_managers failed/);
      const raw = new Database(file, { readonly: true });
      const columns = (raw.prepare(`select name from pragma_table_info('conductors')`).all() as Array<{ name: string }>).map((c) => c.name);
      raw.close();
      // 0003's first steps (conductor columns) were rolled back with the failed one.
      expect(columns).not.toContain('conductor_group');
      expect(columns).not.toContain('rpc_url');
    } finally {
      cleanup();
    }
  });
});
