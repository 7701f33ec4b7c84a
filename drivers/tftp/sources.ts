// Where a transfer's bytes come from: a file on disk, an in-memory buffer or a stream from the
// resolve hook, optionally netascii-encoded. All fill a list of block-sized views in order so the
// block store can lay data out next to its DATA headers without an extra copy.
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export interface ByteSource {
  /** Total bytes, when known before the transfer starts (it is then sent as tsize). */
  readonly size: number | undefined;
  /**
   * Fills views in order. Returns the number of bytes written; less than their total length only
   * at end of data.
   */
  fill(views: Buffer[]): Promise<number>;
  close(): Promise<void>;
}

function totalLength(views: Buffer[]): number {
  let n = 0;
  for (const v of views) n += v.length;
  return n;
}

/** Views still unfilled after `done` bytes were written into the sequence. */
function remainingViews(views: Buffer[], done: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = done;
  for (const v of views) {
    if (skip >= v.length) {
      skip -= v.length;
    } else {
      rest.push(skip > 0 ? v.subarray(skip) : v);
      skip = 0;
    }
  }
  return rest;
}

export class FileSource implements ByteSource {
  private position = 0;
  constructor(private readonly handle: FileHandle, readonly size: number) {}

  async fill(views: Buffer[]): Promise<number> {
    const want = totalLength(views);
    // One readv per chunk normally; the loop covers short reads (IOV_MAX, a file that shrank).
    let done = 0;
    let pending = views;
    while (done < want) {
      const { bytesRead } = await this.handle.readv(pending, this.position);
      if (bytesRead === 0) break;
      done += bytesRead;
      this.position += bytesRead;
      if (done < want) pending = remainingViews(views, done);
    }
    return done;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export class BufferSource implements ByteSource {
  private offset = 0;
  constructor(private readonly data: Uint8Array) {}

  get size(): number {
    return this.data.length;
  }

  async fill(views: Buffer[]): Promise<number> {
    let done = 0;
    for (const v of views) {
      if (this.offset >= this.data.length) break;
      const n = Math.min(v.length, this.data.length - this.offset);
      v.set(this.data.subarray(this.offset, this.offset + n));
      this.offset += n;
      done += n;
      if (n < v.length) break;
    }
    return done;
  }

  async close(): Promise<void> {}
}

export class StreamSource implements ByteSource {
  private readonly iterator: AsyncIterator<unknown>;
  private leftover: Buffer | undefined;
  private ended = false;

  constructor(private readonly stream: Readable, readonly size: number | undefined) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  private async next(): Promise<Buffer | undefined> {
    if (this.leftover) {
      const b = this.leftover;
      this.leftover = undefined;
      return b;
    }
    if (this.ended) return undefined;
    const r = await this.iterator.next();
    if (r.done) {
      this.ended = true;
      return undefined;
    }
    const v = r.value;
    return Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.from(v as Uint8Array);
  }

  async fill(views: Buffer[]): Promise<number> {
    let done = 0;
    for (const v of views) {
      let filled = 0;
      while (filled < v.length) {
        const chunk = await this.next();
        if (!chunk) return done + filled;
        const n = Math.min(chunk.length, v.length - filled);
        chunk.copy(v, filled, 0, n);
        filled += n;
        if (n < chunk.length) this.leftover = chunk.subarray(n);
      }
      done += filled;
    }
    return done;
  }

  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.stream.destroy();
    }
  }
}

/**
 * RFC 1350 netascii: LF becomes CR LF and a bare CR becomes CR NUL. The encoded length is not known
 * until the end, so size is reported as unknown.
 */
export class NetasciiSource implements ByteSource {
  readonly size = undefined;
  private pending: Buffer = Buffer.alloc(0);
  private innerDone = false;

  constructor(private readonly inner: ByteSource, private readonly scratchSize = 64 * 1024) {}

  private async refill(): Promise<void> {
    const raw = Buffer.allocUnsafe(this.scratchSize);
    const n = await this.inner.fill([raw]);
    if (n < raw.length) this.innerDone = true;
    this.pending = Buffer.concat([this.pending, encodeNetascii(raw.subarray(0, n))]);
  }

  async fill(views: Buffer[]): Promise<number> {
    let done = 0;
    for (const v of views) {
      let filled = 0;
      while (filled < v.length) {
        if (this.pending.length === 0) {
          if (this.innerDone) return done + filled;
          await this.refill();
          continue;
        }
        const n = this.pending.copy(v, filled);
        filled += n;
        this.pending = this.pending.subarray(n);
      }
      done += filled;
    }
    return done;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export function encodeNetascii(raw: Buffer): Buffer {
  let extra = 0;
  for (let i = 0; i < raw.length; i++) if (raw[i] === 0x0a || raw[i] === 0x0d) extra++;
  if (extra === 0) return Buffer.from(raw);
  const out = Buffer.allocUnsafe(raw.length + extra);
  let o = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === 0x0a) {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
    } else if (c === 0x0d) {
      out[o++] = 0x0d;
      out[o++] = 0x00;
    } else {
      out[o++] = c;
    }
  }
  return out;
}
