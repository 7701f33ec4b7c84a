// Read-only TFTP server for PXE boot: accepts requests on one socket and hands each read to a
// Transfer with its own socket. Content comes from a root directory or from a resolve hook.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { realpath } from 'node:fs/promises';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { Logger } from '../types.js';
import { MAX_BLKSIZE, negotiate } from './options.js';
import { TftpRequestError, normalizeRequestPath, openConfined } from './paths.js';
import { ErrorCode, Opcode, errorPacket, parsePacket, type ErrorCodeValue, type Request } from './protocol.js';
import { BufferSource, FileSource, NetasciiSource, StreamSource, type ByteSource } from './sources.js';
import { Transfer, type Remote, type TransferSummary } from './transfer.js';

export type { Remote, TransferSummary } from './transfer.js';

/** Generated content: bytes, or a stream with its length when known (the length is sent as tsize). */
export type TftpContent = Buffer | Uint8Array | string | Readable | { stream: Readable; size?: number };

/**
 * Per-request content hook. `path` is already normalised and confined (no '..', no leading '/').
 * Return content to serve it, null for "file not found", undefined to serve `<root>/<path>`.
 */
export type TftpResolve = (path: string, remote: Remote) => Promise<TftpContent | null | undefined>;

export interface TftpServerOptions {
  /** Directory served; names are confined to it, symlinks resolving outside are refused. */
  root: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 69; 0 picks a free port. */
  port?: number;
  resolve?: TftpResolve;
  /** Retransmission timeout when the client does not negotiate one. Default 1000 ms. */
  timeoutMs?: number;
  /** Retransmissions of one packet/window before giving up. Default 5. */
  maxRetries?: number;
  /** Default 65464 (the RFC 2348 maximum). */
  maxBlksize?: number;
  /** Default 64. */
  maxWindowsize?: number;
  /** Read-ahead chunk size per transfer. Default 512 KiB. */
  readAheadBytes?: number;
  /** Upper bound for per-socket kernel buffers. Default 4 MiB (Linux clamps to [rw]mem_max). */
  socketBufferBytes?: number;
  logger?: Logger;
}

export interface TftpRequestEvent {
  file: string;
  mode: string;
  remote: Remote;
  options: Record<string, string>;
}

export interface TftpServer {
  listen(): Promise<{ port: number; address: string; family: string }>;
  close(): Promise<void>;
  /** Transfers in flight. */
  readonly activeTransfers: number;
  on(event: 'request', listener: (e: TftpRequestEvent) => void): this;
  /** Every transfer that started, when it ends, whether it succeeded or not. */
  on(event: 'transfer', listener: (s: TransferSummary) => void): this;
  /** Request refused before a transfer started (not found, access violation, write request...). */
  on(event: 'refused', listener: (e: { file: string; remote: Remote; code: number; message: string }) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners of any event above
  off(event: string, listener: (...args: any[]) => void): this;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

class Server extends EventEmitter implements TftpServer {
  private socket: dgram.Socket | undefined;
  private realRoot = '';
  private readonly transfers = new Map<string, Transfer>();
  /** Remotes whose RRQ is between arrival and transfer start (file open, resolve hook). */
  private readonly starting = new Set<string>();
  private readonly log: Logger;
  private readonly host: string;

  constructor(private readonly opts: TftpServerOptions) {
    super();
    this.log = opts.logger ?? silent;
    this.host = opts.host ?? '127.0.0.1';
  }

  get activeTransfers(): number {
    return this.transfers.size;
  }

  async listen(): Promise<{ port: number; address: string; family: string }> {
    if (this.socket) throw new Error('TFTP server already listening');
    this.realRoot = await realpath(this.opts.root);
    const socket = dgram.createSocket(isIP(this.host) === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.port ?? 69, this.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      // A PXE storm sends many RRQs at once; don't drop them for lack of queue.
      socket.setRecvBufferSize(Math.min(1 << 20, this.opts.socketBufferBytes ?? 4 << 20));
    } catch {
      // Best effort.
    }
    socket.on('message', (msg, rinfo) => this.onRequest(msg, rinfo));
    socket.on('error', (err) => {
      this.log.error({ err }, 'tftp listener error');
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    this.socket = socket;
    const a = socket.address();
    this.log.info({ port: a.port, address: a.address, root: this.realRoot }, 'tftp listening');
    return { port: a.port, address: a.address, family: a.family };
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    const pending = [...this.transfers.values()].map((t) => {
      t.fail(ErrorCode.NOT_DEFINED, 'Server shutting down');
      return t.done;
    });
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    await Promise.all(pending);
  }

  private reply(code: ErrorCodeValue, message: string, rinfo: dgram.RemoteInfo): void {
    this.socket?.send(errorPacket(code, message), rinfo.port, rinfo.address);
  }

  private onRequest(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const p = parsePacket(msg);
    if (p.op === Opcode.ERROR) return; // never answer an error with an error (loops between peers)
    if (p.op !== Opcode.RRQ && p.op !== Opcode.WRQ) {
      this.reply(ErrorCode.ILLEGAL_OPERATION, 'Illegal TFTP operation', rinfo);
      return;
    }
    const remote: Remote = { address: rinfo.address, port: rinfo.port, family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4' };
    const req = p.request;
    if (req.kind === 'write') {
      this.refuse(req.filename, remote, ErrorCode.ACCESS_VIOLATION, 'Access violation: server is read-only');
      return;
    }
    const key = `${remote.address}|${remote.port}`;
    const existing = this.transfers.get(key);
    // The client repeated its RRQ before our first reply arrived: it will get that reply.
    if (this.starting.has(key) || existing?.pristine) return;
    existing?.fail(ErrorCode.NOT_DEFINED, 'Superseded by a new request');
    this.starting.add(key);
    this.startRead(req, remote, key)
      .catch((err: unknown) => {
        this.log.error({ err, file: req.filename }, 'tftp request failed');
      })
      .finally(() => this.starting.delete(key));
  }

  private refuse(file: string, remote: Remote, code: ErrorCodeValue, message: string): void {
    this.log.info({ file, remote, code, message }, 'tftp request refused');
    this.socket?.send(errorPacket(code, message), remote.port, remote.address);
    this.emit('refused', { file, remote, code, message });
  }

  private async startRead(req: Request, remote: Remote, key: string): Promise<void> {
    if (req.mode !== 'octet' && req.mode !== 'netascii') {
      this.refuse(req.filename, remote, ErrorCode.ILLEGAL_OPERATION, `Unsupported mode: ${req.mode}`);
      return;
    }
    this.emit('request', { file: req.filename, mode: req.mode, remote, options: Object.fromEntries(req.options) });
    let source: ByteSource;
    let path: string;
    try {
      path = normalizeRequestPath(req.filename);
      source = await this.openSource(path, remote);
    } catch (err) {
      if (err instanceof TftpRequestError) this.refuse(req.filename, remote, err.code, err.message);
      else this.refuse(req.filename, remote, ErrorCode.NOT_DEFINED, `Server error: ${(err as Error)?.message ?? String(err)}`);
      return;
    }
    if (!this.socket) {
      await source.close();
      return;
    }
    if (req.mode === 'netascii') source = new NetasciiSource(source);
    const negotiated = negotiate(req.options, source.size, {
      maxBlksize: Math.min(this.opts.maxBlksize ?? MAX_BLKSIZE, MAX_BLKSIZE),
      maxWindowsize: this.opts.maxWindowsize ?? 64,
      defaultTimeoutMs: this.opts.timeoutMs ?? 1000,
    });
    const transfer = new Transfer(source, {
      file: path,
      mode: req.mode,
      remote,
      localAddress: this.host,
      negotiated,
      maxRetries: this.opts.maxRetries ?? 5,
      chunkBytes: this.opts.readAheadBytes ?? 512 * 1024,
      socketBufferBytes: this.opts.socketBufferBytes ?? 4 << 20,
    });
    this.transfers.set(key, transfer);
    void transfer.done.then((summary) => {
      if (this.transfers.get(key) === transfer) this.transfers.delete(key);
      this.log[summary.ok ? 'info' : 'warn'](summary, summary.ok ? 'tftp transfer complete' : 'tftp transfer failed');
      this.emit('transfer', summary);
    });
    try {
      await transfer.start();
      this.log.debug({ file: path, remote, port: transfer.port, blksize: negotiated.blksize, windowsize: negotiated.windowsize }, 'tftp transfer started');
    } catch (err) {
      transfer.fail(ErrorCode.NOT_DEFINED, `Cannot start transfer: ${(err as Error)?.message ?? String(err)}`, false);
    }
  }

  private async openSource(path: string, remote: Remote): Promise<ByteSource> {
    if (this.opts.resolve) {
      const content = await this.opts.resolve(path, remote);
      if (content === null) throw new TftpRequestError(ErrorCode.FILE_NOT_FOUND, 'File not found');
      if (content !== undefined) return contentSource(content);
    }
    const file = await openConfined(this.realRoot, path);
    return new FileSource(file.handle, file.size);
  }
}

function contentSource(content: TftpContent): ByteSource {
  if (typeof content === 'string') return new BufferSource(Buffer.from(content));
  if (content instanceof Uint8Array) return new BufferSource(content);
  if (content instanceof Readable) return new StreamSource(content, undefined);
  return new StreamSource(content.stream, content.size);
}

export function createTftpServer(options: TftpServerOptions): TftpServer {
  return new Server(options);
}
