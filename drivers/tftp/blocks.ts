// Read-ahead of DATA packets. Data is read in chunks of many blocks straight into buffers laid out
// as [header|block][header|block]..., so each packet is a ready view: no per-block read, copy or
// allocation while sending. A small ring of chunks lets the next chunk load while this one is sent.
import { DATA_HEADER_BYTES, Opcode } from './protocol.js';
import type { ByteSource } from './sources.js';

/** Upper bound on blocks per chunk: Linux readv takes at most IOV_MAX (1024) buffers per call. */
const MAX_BLOCKS_PER_CHUNK = 1024;

interface Chunk {
  buf: Buffer;
  /** Full-size packet views, built once per buffer and reused for every load into it. */
  packets: Buffer[];
  dataViews: Buffer[];
  /** Absolute index (0-based) of the chunk's first block; -1 while empty. */
  first: number;
  /** Valid blocks once loaded. */
  count: number;
  /** Packet view of the last block when it is short (end of data), else undefined. */
  tail: Buffer | undefined;
  loaded: boolean;
}

export interface BlockStoreOptions {
  blksize: number;
  windowsize: number;
  /** Total bytes when known; used to avoid over-allocating for small files. */
  size: number | undefined;
  /** Target chunk size in bytes. */
  chunkBytes: number;
  /** Whether a chunk's buffer may be overwritten now (nothing queued in the socket that views it). */
  canReuse: () => boolean;
  onLoaded: () => void;
  onError: (err: unknown) => void;
}

export class BlockStore {
  private readonly blksize: number;
  private readonly blocksPerChunk: number;
  private readonly ring: Chunk[];
  private nextToLoad = 0;
  private loading = false;
  private closed = false;
  /** Set once the final (short) block has been loaded. */
  totalBlocks: number | undefined;

  constructor(private readonly source: ByteSource, private readonly opts: BlockStoreOptions) {
    this.blksize = opts.blksize;
    const sizeBlocks = opts.size === undefined ? Infinity : Math.floor(opts.size / opts.blksize) + 1;
    this.blocksPerChunk = Math.max(1, Math.min(MAX_BLOCKS_PER_CHUNK, Math.floor(opts.chunkBytes / opts.blksize), sizeBlocks));
    // Enough chunks to hold a full window plus one loading ahead of it.
    const chunksForWindow = Math.ceil(opts.windowsize / this.blocksPerChunk);
    const wanted = Math.max(2, chunksForWindow + 1);
    const ringSize = Math.min(wanted, Math.max(1, Math.ceil(sizeBlocks / this.blocksPerChunk)));
    this.ring = [];
    for (let i = 0; i < ringSize; i++) this.ring.push(this.newChunk());
  }

  private newChunk(): Chunk {
    const stride = this.blksize + DATA_HEADER_BYTES;
    // allocUnsafeSlow: these outlive many event-loop turns and should not pin the shared pool.
    const buf = Buffer.allocUnsafeSlow(stride * this.blocksPerChunk);
    const packets: Buffer[] = [];
    const dataViews: Buffer[] = [];
    for (let i = 0; i < this.blocksPerChunk; i++) {
      const at = i * stride;
      packets.push(buf.subarray(at, at + stride));
      dataViews.push(buf.subarray(at + DATA_HEADER_BYTES, at + stride));
    }
    return { buf, packets, dataViews, first: -1, count: 0, tail: undefined, loaded: false };
  }

  /** Starts filling empty chunks in file order. */
  start(): void {
    this.pump();
  }

  /** The DATA packet for absolute block index, or undefined if not loaded yet. */
  packet(index: number): Buffer | undefined {
    const chunk = this.ring[Math.floor(index / this.blocksPerChunk) % this.ring.length]!;
    if (!chunk.loaded || index < chunk.first || index >= chunk.first + chunk.count) return undefined;
    const i = index - chunk.first;
    return i === chunk.count - 1 && chunk.tail ? chunk.tail : chunk.packets[i];
  }

  /** Blocks below `acked` will never be sent again: their chunks can take new data. */
  release(acked: number): void {
    let freed = false;
    for (const chunk of this.ring) {
      if (chunk.loaded && chunk.first + chunk.count <= acked && chunk.count === this.blocksPerChunk) {
        chunk.loaded = false;
        chunk.first = -1;
        freed = true;
      }
    }
    if (freed) this.pump();
  }

  close(): void {
    this.closed = true;
  }

  private pump(): void {
    if (this.loading || this.closed || this.totalBlocks !== undefined) return;
    const slot = (this.nextToLoad / this.blocksPerChunk) % this.ring.length;
    let chunk = this.ring[slot]!;
    if (chunk.loaded) return;
    if (chunk.first === -1 && !this.opts.canReuse() && this.nextToLoad >= this.ring.length * this.blocksPerChunk) {
      // A retransmission still queued in the socket may point into this buffer; give the slot a
      // fresh one rather than overwrite data the kernel has not copied yet.
      chunk = this.newChunk();
      this.ring[slot] = chunk;
    }
    this.loading = true;
    const first = this.nextToLoad;
    this.source.fill(chunk.dataViews).then(
      (bytes) => {
        this.loading = false;
        if (this.closed) return;
        this.loaded(chunk, first, bytes);
        this.opts.onLoaded();
        this.pump();
      },
      (err: unknown) => {
        this.loading = false;
        if (!this.closed) this.opts.onError(err);
      },
    );
  }

  private loaded(chunk: Chunk, first: number, bytes: number): void {
    const full = this.blocksPerChunk * this.blksize;
    const count = bytes === full ? this.blocksPerChunk : Math.floor(bytes / this.blksize) + 1;
    const stride = this.blksize + DATA_HEADER_BYTES;
    for (let i = 0; i < count; i++) {
      const at = i * stride;
      chunk.buf[at] = 0;
      chunk.buf[at + 1] = Opcode.DATA;
      chunk.buf.writeUInt16BE((first + i + 1) & 0xffff, at + 2);
    }
    if (bytes < full) {
      const lastLen = bytes - (count - 1) * this.blksize;
      const at = (count - 1) * stride;
      chunk.tail = chunk.buf.subarray(at, at + DATA_HEADER_BYTES + lastLen);
      this.totalBlocks = first + count;
    } else {
      chunk.tail = undefined;
    }
    chunk.first = first;
    chunk.count = count;
    chunk.loaded = true;
    this.nextToLoad = first + count;
  }
}
