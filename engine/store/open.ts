// Opens the configured store: an SQLite file (the embedded default) or PostgreSQL.
import { Kysely, SqliteAdapter, SqliteDialect, PostgresDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './tables.js';
import { Store } from './store.js';
import { Checkpointer } from './checkpointer.js';
import { SecretBox } from '../secrets/box.js';
import { keyringOf, loadOrCreateKeyFile, newKey, readKeyFile, resolveKeyFile } from '../secrets/keyfile.js';
import { checkKeys, resealRows } from './secret-keys.js';

export interface StoreOptions {
  /** The secrets key file (else IRONPLAN_SECRETS_KEY_FILE, else secrets.key in the data directory). */
  secretsKeyFile?: string;
  /** Where the key file is created for PostgreSQL (an SQLite database's own directory is its data directory). */
  dataDir?: string;
}

type SqliteDatabase = import('better-sqlite3').Database;

/**
 * Kysely prepares every query afresh; the engine runs the same few dozen statements thousands of times,
 * and preparing was a third of apply's CPU time. Statements are reused by SQL text (better-sqlite3
 * statements are safe to reuse once a previous run has returned, and Kysely runs one query at a time).
 */
function withStatementCache(db: SqliteDatabase): SqliteDatabase {
  const cache = new Map<string, ReturnType<SqliteDatabase['prepare']>>();
  const prepare = db.prepare.bind(db);
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (sql: string) => {
          let stmt = cache.get(sql);
          if (!stmt) {
            stmt = prepare(sql);
            if (cache.size < 500) cache.set(sql, stmt);
          }
          return stmt;
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/**
 * The secrets key of this database: an in-memory database gets a key of its own (nothing outlives it);
 * otherwise the key file, created on first start.
 */
function secretBox(keyFile: string | null): SecretBox {
  if (!keyFile) return new SecretBox(keyringOf([newKey()]));
  const { entries } = loadOrCreateKeyFile(keyFile);
  return new SecretBox(keyringOf(entries), undefined, () => {
    try {
      return keyringOf(readKeyFile(keyFile));
    } catch {
      return null;
    }
  });
}

/** Migrates, checks the key against the database's, and seals secrets an older version stored in clear. */
async function ready(store: Store, keyFile: string | null): Promise<Store> {
  try {
    await store.migrate();
    await checkKeys(store.db, store.secrets, { keyFile: keyFile ?? '(in memory)' });
    const resealed = await resealRows(store.db, store.secrets);
    // The clear rows' old pages may still sit in the WAL: fold it into the file (its freed pages are zeroed).
    if (resealed.nodes + resealed.specs > 0) await store.flushWal();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

const isPostgres = (url: string) => url.startsWith('postgres://') || url.startsWith('postgresql://');
const sqlitePath = (url: string) => (url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url);

/** The key file a store at `url` uses (null: an in-memory database, whose key lives and dies with it). */
export function storeKeyFile(url: string, opts: StoreOptions = {}): string | null {
  if (isPostgres(url)) return resolveKeyFile(opts.secretsKeyFile, opts.dataDir ?? '.ironplan');
  const path = sqlitePath(url);
  return path === ':memory:' ? null : resolveKeyFile(opts.secretsKeyFile, dirname(path));
}

export async function openStore(url: string, opts: StoreOptions = {}): Promise<Store> {
  const keyFile = storeKeyFile(url, opts);
  if (isPostgres(url)) {
    const box = secretBox(keyFile);
    const pg = await import('pg');
    const pool = new pg.default.Pool({ connectionString: url, max: 10 });
    // An idle connection closed by the server (a restart, a failover) is reported here; the pool has already
    // dropped it and connects anew on demand. Without a listener the 'error' event would end the process.
    pool.on('error', () => undefined);
    // The same for a connection in use (inside a transaction, between its queries): the query under way
    // fails with that error (the request is answered 503), so the event itself only needs a listener.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return ready(new Store(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres', box), keyFile);
  }
  const path = sqlitePath(url);
  const box = secretBox(keyFile);
  const { default: SQLite } = await import('better-sqlite3');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(path);
  // WAL lets readers proceed during a write; NORMAL sync is durable across process crashes (not power loss
  // of the host mid-commit), which is the trade Ironic's SQLite users make too.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  // Freed pages are zeroed: a secret re-sealed (or a row deleted) leaves no clear copy in the file.
  database.pragma('secure_delete = ON');
  database.pragma('busy_timeout = 5000');
  // A page cache that holds a fleet's rows.
  database.pragma('cache_size = -65536');
  database.pragma('temp_store = memory');
  // Checkpoints (each one syncs) run on a worker thread, off the request path; an in-memory database has no WAL.
  const checkpointer = path === ':memory:' ? null : new Checkpointer(database, path);
  const store = new Store(new Kysely<Database>({ dialect: new TransactionalSqliteDialect({ database: withStatementCache(database) }) }), 'sqlite', box, checkpointer);
  return ready(store, keyFile);
}

/**
 * SQLite runs DDL in transactions, but Kysely's SQLite adapter says it does not, so its migrator would run
 * each migration bare: a process killed mid-migration left half a schema (a column added, the next one
 * not) that no later start could migrate. Said truly, each migration commits whole or not at all.
 */
class TransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlAdapter();
  }
}
