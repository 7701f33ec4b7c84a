// One read transfer: its own UDP socket (the server's TID), the optional OACK handshake, the send
// window and retransmission. Lives until the last block is acknowledged, the peer errors out, the
// retry bound is hit or the server closes.
import dgram from 'node:dgram';
import { BlockStore } from './blocks.js';
import type { Negotiated } from './options.js';
import { ErrorCode, Opcode, errorPacket, oackPacket, parsePacket, type ErrorCodeValue } from './protocol.js';
import type { ByteSource } from './sources.js';

export interface Remote {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

export interface TransferSummary {
  file: string;
  remote: Remote;
  /** Local port of the transfer socket (the server's TID). */
  localPort: number;
  mode: string;
  blksize: number;
  windowsize: number;
  /** Bytes of file data acknowledged by the client. */
  bytes: number;
  blocks: number;
  retransmits: number;
  durationMs: number;
  ok: boolean;
  error?: string;
}

export interface TransferSettings {
  file: string;
  mode: string;
  remote: Remote;
  localAddress: string;
  negotiated: Negotiated;
  maxRetries: number;
  chunkBytes: number;
  socketBufferBytes: number;
  onProgress?: (bytes: number) => void;
}

/**
 * Peers are always IP literals from rinfo. The default lookup goes through dns.lookup, which defers
 * connect and every unconnected send by a tick for nothing.
 */
export function literalLookup(address: string, family: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
  callback(null, address, typeof family === 'number' ? family : address.includes(':') ? 6 : 4);
}

function bindSocket(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

export class Transfer {
  private readonly socket: dgram.Socket;
  /** Unconnected twin on the same port: receives only packets from foreign TIDs. */
  private readonly stray: dgram.Socket;
  private readonly store: BlockStore;
  private readonly blksize: number;
  private readonly window: number;
  private readonly timeoutMs: number;
  private readonly oack: Buffer | undefined;
  private readonly started = Date.now();
  /** Blocks acknowledged so far; block index i carries wire number (i + 1) & 0xffff. */
  private acked = 0;
  /** Blocks handed to the socket in the current window (exclusive end). */
  private sentEnd = 0;
  /** A loss signal (early or repeated ACK) already caused a resend of this window. */
  private rewound = false;
  private awaitingOackAck: boolean;
  private retries = 0;
  private retransmits = 0;
  private deadline = 0;
  private timer: NodeJS.Timeout | undefined;
  private localPort = 0;
  private finished = false;
  private resolveDone!: (s: TransferSummary) => void;
  readonly done: Promise<TransferSummary>;

  constructor(private readonly source: ByteSource, private readonly settings: TransferSettings) {
    const n = settings.negotiated;
    this.blksize = n.blksize;
    this.window = n.windowsize;
    this.timeoutMs = n.timeoutMs;
    this.oack = n.oack.length > 0 ? oackPacket(n.oack) : undefined;
    this.awaitingOackAck = this.oack !== undefined;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const type = settings.remote.family === 'IPv6' ? 'udp6' : 'udp4';
    this.socket = dgram.createSocket({ type, lookup: literalLookup, reuseAddr: true });
    this.stray = dgram.createSocket({ type, lookup: literalLookup, reuseAddr: true });
    this.store = new BlockStore(source, {
      blksize: n.blksize,
      windowsize: n.windowsize,
      size: source.size,
      chunkBytes: settings.chunkBytes,
      canReuse: () => this.socket.getSendQueueCount() === 0,
      onLoaded: () => this.onLoaded(),
      onError: (err) => this.fail(ErrorCode.NOT_DEFINED, `Read error: ${(err as Error)?.message ?? String(err)}`),
    });
  }

  get port(): number {
    return this.localPort;
  }

  /** True until the first DATA block is acknowledged: a repeated RRQ is then just a duplicate. */
  get pristine(): boolean {
    return this.acked === 0 && (this.awaitingOackAck || this.sentEnd <= this.window);
  }

  async start(): Promise<void> {
    const r = this.settings.remote;
    this.socket.on('message', (msg) => this.onMessage(msg));
    this.socket.on('error', (err) => this.fail(ErrorCode.NOT_DEFINED, `Socket error: ${err.message}`, false));
    // Port 0: an ephemeral port per transfer is the server's TID (RFC 1350 section 4).
    await bindSocket(this.socket, 0, this.settings.localAddress);
    this.localPort = this.socket.address().port;
    // Connected: the kernel keeps the route and filters the peer, which makes each lock-step
    // round trip measurably shorter. It also hides packets from other TIDs, so a second socket
    // on the same port (SO_REUSEADDR; the connected one wins for the peer) answers those.
    await new Promise<void>((resolve) => this.socket.connect(r.port, r.address, () => resolve()));
    try {
      await bindSocket(this.stray, this.localPort, this.settings.localAddress);
      this.stray.on('message', (_msg, rinfo) => {
        // RFC 1350: a packet from a foreign TID gets an error but must not disturb this transfer.
        this.stray.send(errorPacket(ErrorCode.UNKNOWN_TID, 'Unknown transfer ID'), rinfo.port, rinfo.address);
      });
    } catch {
      // Without it, strays get ICMP port unreachable instead of error 5; the transfer is unaffected.
    }
    this.stray.on('error', () => undefined);
    if (this.finished) return; // the server closed while we were binding
    this.sizeBuffers();
    this.store.start();
    if (this.oack) this.send(this.oack);
    else this.pump();
    this.arm();
  }

  private sizeBuffers(): void {
    // A full window of 64 KiB blocks exceeds the default send buffer; ACKs need little receive space.
    const want = Math.min(this.settings.socketBufferBytes, Math.max(256 * 1024, 2 * this.window * (this.blksize + 32)));
    try {
      if (this.socket.getSendBufferSize() < want) this.socket.setSendBufferSize(want);
    } catch {
      // Best effort: the kernel clamps to wmem_max and some platforms refuse; the transfer still works.
    }
  }

  private send(pkt: Buffer): void {
    this.socket.send(pkt);
  }

  /** Sends every loaded block of the current window not yet sent. */
  private pump(): void {
    if (this.finished || this.awaitingOackAck) return;
    const total = this.store.totalBlocks;
    const limit = total === undefined ? this.acked + this.window : Math.min(this.acked + this.window, total);
    while (this.sentEnd < limit) {
      const pkt = this.store.packet(this.sentEnd);
      if (!pkt) break;
      this.send(pkt);
      this.sentEnd++;
    }
  }

  private onLoaded(): void {
    if (this.finished) return;
    const before = this.sentEnd;
    this.pump();
    // Data that was waiting on the disk now counts as the start of the retransmission interval.
    if (this.sentEnd !== before) this.deadline = Date.now() + this.timeoutMs;
  }

  private onMessage(msg: Buffer): void {
    if (this.finished) return;
    // Hot path: an ACK is opcode 4 plus a block number, parsed without allocating.
    if (msg.length >= 4 && msg[0] === 0 && msg[1] === Opcode.ACK) {
      this.onAck((msg[2]! << 8) | msg[3]!);
      return;
    }
    const p = parsePacket(msg);
    if (p.op === Opcode.ERROR) {
      this.finish(false, `Client error ${p.code}: ${p.message}`);
      return;
    }
    this.fail(ErrorCode.ILLEGAL_OPERATION, 'Illegal TFTP operation');
  }

  private onAck(wire: number): void {
    if (this.awaitingOackAck) {
      // Only ACK 0 acknowledges the OACK; anything else is stale and ignored.
      if (wire !== 0) return;
      this.awaitingOackAck = false;
      this.progressed();
      this.pump();
      return;
    }
    // Map the 16-bit number to an absolute count: the nearest at or above `acked`, modulo 65536,
    // which is what makes files past block 65535 work (counters roll over to 0).
    const delta = (wire - this.acked) & 0xffff;
    const count = this.acked + delta;
    if (count > this.sentEnd) return; // older than anything outstanding: a late duplicate
    if (delta === 0) {
      // A repeated ACK. Lock-step: never answer it (that would be the Sorcerer's Apprentice bug,
      // doubling traffic for good). Windowed: it means the window's first block was lost, so resend
      // once per window; the timeout covers the rest.
      if (this.window > 1 && !this.rewound && this.sentEnd > this.acked) {
        this.rewound = true;
        this.sentEnd = this.acked;
        this.retransmits++;
        this.pump();
        this.deadline = Date.now() + this.timeoutMs;
      }
      return;
    }
    this.acked = count;
    const total = this.store.totalBlocks;
    if (total !== undefined && count >= total) {
      this.finish(true);
      return;
    }
    // An ACK short of the window's end reports a loss (RFC 7440): restart the window from there.
    this.rewound = count < this.sentEnd;
    if (this.rewound) {
      this.sentEnd = count;
      this.retransmits++;
    }
    this.store.release(count);
    this.progressed();
    this.pump();
    this.settings.onProgress?.(this.bytesAcked());
  }

  private progressed(): void {
    this.retries = 0;
    this.deadline = Date.now() + this.timeoutMs;
  }

  /**
   * One timer per transfer, re-armed lazily: progress only moves `deadline`, so the hot path never
   * touches the timer list.
   */
  private arm(): void {
    this.deadline = Date.now() + this.timeoutMs;
    this.timer = setTimeout(() => this.onTimer(), this.timeoutMs);
  }

  private onTimer(): void {
    if (this.finished) return;
    const now = Date.now();
    if (now < this.deadline) {
      this.timer = setTimeout(() => this.onTimer(), this.deadline - now);
      return;
    }
    if (this.awaitingOackAck || this.sentEnd > this.acked) {
      if (++this.retries > this.settings.maxRetries) {
        this.fail(ErrorCode.NOT_DEFINED, `Timed out after ${this.settings.maxRetries} retransmissions`);
        return;
      }
      this.retransmits++;
      if (this.awaitingOackAck) {
        this.send(this.oack!);
      } else {
        this.sentEnd = this.acked;
        this.pump();
      }
    }
    // Nothing outstanding means we are waiting on the disk; just look again later.
    this.deadline = now + this.timeoutMs;
    this.timer = setTimeout(() => this.onTimer(), this.timeoutMs);
  }

  private bytesAcked(): number {
    const total = this.store.totalBlocks;
    if (total !== undefined && this.acked >= total) return this.source.size ?? this.acked * this.blksize;
    return this.acked * this.blksize;
  }

  /** Aborts with an ERROR packet to the client. */
  fail(code: ErrorCodeValue, message: string, notify = true): void {
    this.finish(false, message, notify ? errorPacket(code, message) : undefined);
  }

  /**
   * A send can be queued in libuv (EAGAIN) and closing cancels queued sends, so a last ERROR packet
   * must be confirmed sent before the socket goes.
   */
  private closeSocket(farewell: Buffer | undefined): void {
    const close = () => {
      for (const sock of [this.socket, this.stray]) {
        try {
          sock.close();
        } catch {
          // Never bound, or already closed after a socket error.
        }
      }
    };
    if (!farewell) return close();
    try {
      this.socket.send(farewell, close);
    } catch {
      close();
    }
  }

  private finish(ok: boolean, error?: string, farewell?: Buffer): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.store.close();
    const blocks = this.acked;
    const bytes = ok ? this.bytesAcked() : this.acked * this.blksize;
    this.closeSocket(farewell);
    void this.source.close().catch(() => undefined);
    const s = this.settings;
    this.resolveDone({
      file: s.file,
      remote: s.remote,
      localPort: this.localPort,
      mode: s.mode,
      blksize: this.blksize,
      windowsize: this.window,
      bytes,
      blocks,
      retransmits: this.retransmits,
      durationMs: Date.now() - this.started,
      ok,
      ...(error === undefined ? {} : { error }),
    });
  }
}
