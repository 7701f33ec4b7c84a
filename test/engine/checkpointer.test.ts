// The SQLite store checkpoints its WAL on a worker thread: commits never pay for the sync, the WAL stays
// bounded, and nothing written is lost across the hand-over to the database file.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../../engine/store/checkpointer.js';
import { openStore } from '../../engine/store/open.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'ironplan-ckpt-'));
  dirs.push(d);
  return join(d, 'db.sqlite');
}

function filler(db: SQLite.Database, rows: number): void {
  const insert = db.prepare('insert into t (body) values (?)');
  for (let i = 0; i < rows; i++) insert.run('x'.repeat(2000));
}

describe('background WAL checkpoints', () => {
  it('turn off SQLite’s in-commit checkpoint and copy every frame from a worker thread', async () => {
    const path = await scratch();
    const db = new SQLite(path);
    db.pragma('journal_mode = WAL');
    db.exec('create table t (id integer primary key, body text)');
    const ckpt = new Checkpointer(db, path, { intervalMs: 1_000_000 });
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      filler(db, 3000); // ~6 MB: SQLite alone would have checkpointed in one of these commits
      expect((await stat(path)).size).toBeLessThan(100_000);
      const before = (await stat(`${path}-wal`)).size;
      expect(before).toBeGreaterThan(4 * 1024 * 1024);
      const r = await ckpt.checkpoint();
      expect(r.busy).toBe(0);
      expect(r.checkpointed).toBe(r.log);
      // The rows are in the database file itself now (before, it held only the empty table).
      expect((await stat(path)).size).toBeGreaterThan(6_000_000);
      // The next commit restarts the WAL from its beginning instead of growing it.
      filler(db, 10);
      expect((await stat(`${path}-wal`)).size).toBe(before);
    } finally {
      await ckpt.close();
      db.close();
    }
  });

  it('checkpoints on its own once the WAL is big, and the store closes cleanly after it', async () => {
    const path = await scratch();
    const store = await openStore(path);
    const ckpt = (store as unknown as { checkpointer: Checkpointer }).checkpointer;
    expect(ckpt).toBeInstanceOf(Checkpointer);
    for (let i = 0; i < 4000; i++) {
      await store.transaction(async (tx) => {
        await tx.addEvent({ type: 'node', node_uuid: null, node_name: `n${i}`, from: null, to: 'enroll', verb: 'create', actor: 'test', reason: 'x'.repeat(1000), apply_id: null, data: null });
      });
    }
    const deadline = Date.now() + 10_000;
    while (ckpt.completed === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ckpt.completed).toBeGreaterThan(0);
    await store.close();
    // The last connection's close checkpoints the rest and removes the WAL.
    await expect(stat(`${path}-wal`)).rejects.toThrow();
    const reopened = await openStore(path);
    expect((await reopened.listEvents({ limit: 10_000 })).length).toBe(4000);
    await reopened.close();
  });
});
