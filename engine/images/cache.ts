// A bounded directory of converted images, one per source checksum, evicted least-recently used. The
// directory sits in the boot root, so the manager's boot server serves its files as they are. An entry is
// `<key>.raw` with `<key>.json` (what it was made from, its raw digest); the .raw file's mtime is its
// last use. Entries being made or served right now are never evicted.
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CacheEntryMeta {
  /** The source's checksum, as the deployment gave it. */
  source_checksum: string;
  /** The source's format as qemu-img read it. */
  source_format: string;
  /** Digest of the raw bytes served (what the agent verifies on the disk). */
  checksum: string;
  size: number;
}

export interface CacheEntry extends CacheEntryMeta {
  key: string;
  /** File name inside the cache directory (`<key>.raw`). */
  file: string;
}

/** A source checksum as a file name: `sha256-<hex>`. */
export function cacheKey(sourceChecksum: string): string {
  return sourceChecksum.trim().toLowerCase().replace(':', '-').replace(/[^a-z0-9-]/g, '');
}

export class ImageCache {
  private readonly pinned = new Map<string, number>();

  constructor(
    readonly dir: string,
    /** Total bytes of .raw files the cache keeps; a single bigger entry is still kept (alone). */
    readonly maxBytes: number,
  ) {}

  async get(key: string): Promise<CacheEntry | null> {
    try {
      const meta = JSON.parse(await readFile(join(this.dir, `${key}.json`), 'utf8')) as CacheEntryMeta;
      const file = `${key}.raw`;
      const st = await stat(join(this.dir, file));
      if (st.size !== meta.size) return null;
      const now = new Date();
      await utimes(join(this.dir, file), now, now);
      return { ...meta, key, file };
    } catch {
      return null;
    }
  }

  /** A scratch path inside the cache directory (same filesystem, so `put` is a rename). */
  async scratch(name: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return join(this.dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${name}`);
  }

  /** Moves a finished raw file in as `key`, then evicts least-recently used entries over the limit. */
  async put(key: string, rawPath: string, meta: CacheEntryMeta): Promise<CacheEntry> {
    await mkdir(this.dir, { recursive: true });
    const file = `${key}.raw`;
    this.pin(key);
    try {
      await rename(rawPath, join(this.dir, file));
      // The metadata is written last: an entry without it is not an entry (get ignores it, evict removes it).
      await writeFile(join(this.dir, `${key}.json.tmp`), JSON.stringify(meta));
      await rename(join(this.dir, `${key}.json.tmp`), join(this.dir, `${key}.json`));
      await this.evict();
    } finally {
      this.unpin(key);
    }
    return { ...meta, key, file };
  }

  /** Keeps `key` from eviction until unpinned (a deploy is streaming it). */
  pin(key: string): void {
    this.pinned.set(key, (this.pinned.get(key) ?? 0) + 1);
  }

  unpin(key: string): void {
    const n = (this.pinned.get(key) ?? 1) - 1;
    if (n <= 0) this.pinned.delete(key);
    else this.pinned.set(key, n);
  }

  /** Entries, least recently used first. */
  async list(): Promise<Array<{ key: string; size: number; usedAt: number }>> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: Array<{ key: string; size: number; usedAt: number }> = [];
    for (const name of names) {
      if (!name.endsWith('.raw') || name.startsWith('.')) continue;
      const st = await stat(join(this.dir, name)).catch(() => null);
      if (st) out.push({ key: name.slice(0, -4), size: st.size, usedAt: st.mtimeMs });
    }
    return out.sort((a, b) => a.usedAt - b.usedAt);
  }

  async evict(): Promise<string[]> {
    const entries = await this.list();
    let total = entries.reduce((n, e) => n + e.size, 0);
    const removed: string[] = [];
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      if (this.pinned.has(e.key)) continue;
      await rm(join(this.dir, `${e.key}.json`), { force: true });
      await rm(join(this.dir, `${e.key}.raw`), { force: true });
      total -= e.size;
      removed.push(e.key);
    }
    return removed;
  }
}
