// Wire-level behaviour of the TFTP server, driven by a raw node:dgram client so every packet and
// port can be checked: option negotiation, windows, errors, TIDs, retransmission bounds.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import dgram from 'node:dgram';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createTftpServer, type TftpServer, type TransferSummary } from '../../drivers/tftp/server.js';
import { ackPacket, requestPacket } from '../../drivers/tftp/protocol.js';
import { negotiate } from '../../drivers/tftp/options.js';
import { normalizeRequestPath } from '../../drivers/tftp/paths.js';
import { encodeNetascii } from '../../drivers/tftp/sources.js';

interface Received {
  msg: Buffer;
  port: number;
}

/** A UDP client with a receive queue, so tests can await packets one by one. */
async function rawClient() {
  const socket = dgram.createSocket('udp4');
  const queue: Received[] = [];
  const waiters: Array<(r: Received) => void> = [];
  socket.on('message', (msg, rinfo) => {
    const r = { msg, port: rinfo.port };
    const w = waiters.shift();
    if (w) w(r);
    else queue.push(r);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    socket,
    get port() {
      return socket.address().port;
    },
    /** Resolves once the datagram has left (a close right after an unfinished send would drop it). */
    send(buf: Buffer, port: number): Promise<void> {
      return new Promise((resolve, reject) => socket.send(buf, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    },
    abort(port: number): Promise<void> {
      return this.send(Buffer.from([0, 5, 0, 0, 0]), port);
    },
    next(timeoutMs = 2000): Promise<Received> {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(done), 1);
          reject(new Error(`no packet within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (r: Received) => {
          clearTimeout(timer);
          resolve(r);
        };
        waiters.push(done);
      });
    },
    /** Packets arriving within ms, without failing when there are none. */
    async drain(ms: number): Promise<Received[]> {
      await new Promise((r) => setTimeout(r, ms));
      return queue.splice(0);
    },
    close() {
      socket.close();
    },
  };
}

function opcode(msg: Buffer): number {
  return msg.readUInt16BE(0);
}

function parseOack(msg: Buffer): Record<string, string> {
  expect(opcode(msg)).toBe(6);
  const parts = msg.toString('latin1', 2).split('\0');
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]!] = parts[i + 1]!;
  return out;
}

function parseError(msg: Buffer): { code: number; message: string } {
  expect(opcode(msg)).toBe(5);
  return { code: msg.readUInt16BE(2), message: msg.toString('latin1', 4, msg.length - 1) };
}

function nextTransfer(server: TftpServer, clientPort: number): Promise<TransferSummary> {
  return new Promise((resolve) => {
    const on = (s: TransferSummary) => {
      if (s.remote.port !== clientPort) return;
      server.off('transfer', on);
      resolve(s);
    };
    server.on('transfer', on);
  });
}

let dir: string;
let root: string;
let server: TftpServer;
let port: number;
const small = Buffer.alloc(10_000);
for (let i = 0; i < small.length; i++) small[i] = (i * 31 + 7) & 0xff;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tftp-proto-'));
  root = join(dir, 'root');
  await mkdir(join(root, 'sub'), { recursive: true });
  await writeFile(join(root, 'small.bin'), small);
  await writeFile(join(root, 'sub', 'exact.bin'), Buffer.alloc(1024, 1)); // a multiple of the block size
  await writeFile(join(dir, 'secret.txt'), 'outside root');
  await symlink(join(dir, 'secret.txt'), join(root, 'escape'));
  await symlink('small.bin', join(root, 'inside-link'));
  server = createTftpServer({
    root,
    port: 0,
    timeoutMs: 150,
    maxRetries: 2,
    resolve: async (path) => {
      if (path === 'gen/stream.txt') return { stream: Readable.from([Buffer.from('hello '), Buffer.from('stream')]), size: 12 };
      if (path === 'gen/denied') return null;
      return undefined;
    },
  });
  ({ port } = await server.listen());
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('option negotiation', () => {
  it('answers tsize/blksize/timeout/windowsize in an OACK from a new port, ignores unknown options, sends windows', async () => {
    const c = await rawClient();
    try {
      const done = nextTransfer(server, c.port);
      c.send(requestPacket('read', 'small.bin', 'octet', { tsize: 0, blksize: 1024, timeout: 2, windowsize: 8, frobnicate: 1 }), port);
      const oack = await c.next();
      expect(oack.port).not.toBe(port);
      expect(parseOack(oack.msg)).toEqual({ tsize: '10000', blksize: '1024', timeout: '2', windowsize: '8' });
      c.send(ackPacket(0), oack.port);
      const got: Buffer[] = [];
      for (let b = 1; b <= 8; b++) {
        const d = await c.next();
        expect(opcode(d.msg)).toBe(3);
        expect(d.msg.readUInt16BE(2)).toBe(b);
        got.push(d.msg.subarray(4));
      }
      // The window is full: nothing more until it is acknowledged.
      expect(await c.drain(50)).toEqual([]);
      c.send(ackPacket(8), oack.port);
      for (let b = 9; b <= 10; b++) {
        const d = await c.next();
        expect(d.msg.readUInt16BE(2)).toBe(b);
        got.push(d.msg.subarray(4));
      }
      c.send(ackPacket(10), oack.port);
      expect(Buffer.concat(got).equals(small)).toBe(true);
      const summary = await done;
      expect(summary).toMatchObject({ ok: true, bytes: 10_000, blocks: 10, blksize: 1024, windowsize: 8 });
    } finally {
      c.close();
    }
  });

  it('restarts a window from the last block a windowed client acknowledged (RFC 7440 loss)', async () => {
    const c = await rawClient();
    try {
      c.send(requestPacket('read', 'small.bin', 'octet', { blksize: 1000, windowsize: 4 }), port);
      const oack = await c.next();
      c.send(ackPacket(0), oack.port);
      const first = [];
      for (let i = 0; i < 4; i++) first.push((await c.next()).msg.readUInt16BE(2));
      expect(first).toEqual([1, 2, 3, 4]);
      c.send(ackPacket(2), oack.port); // "block 3 never arrived"
      const again = [];
      for (let i = 0; i < 4; i++) again.push((await c.next()).msg.readUInt16BE(2));
      expect(again).toEqual([3, 4, 5, 6]);
      // Further repeats of the same ACK must not multiply the window.
      c.send(ackPacket(2), oack.port);
      c.send(ackPacket(2), oack.port);
      expect((await c.drain(60)).length).toBeLessThanOrEqual(4);
      await c.abort(oack.port);
    } finally {
      c.close();
    }
  });

  it('sends no OACK to a plain RFC 1350 client and ends a block-multiple file with an empty block', async () => {
    const c = await rawClient();
    try {
      c.send(requestPacket('read', '/sub/exact.bin', 'octet'), port);
      const d1 = await c.next();
      expect(opcode(d1.msg)).toBe(3);
      expect(d1.msg.length).toBe(4 + 512);
      c.send(ackPacket(1), d1.port);
      const d2 = await c.next();
      expect(d2.msg.length).toBe(4 + 512);
      c.send(ackPacket(2), d1.port);
      const d3 = await c.next();
      expect(d3.msg.readUInt16BE(2)).toBe(3);
      expect(d3.msg.length).toBe(4);
      c.send(ackPacket(3), d1.port);
    } finally {
      c.close();
    }
  });

  it('reports tsize for generated streams of known size', async () => {
    const c = await rawClient();
    try {
      c.send(requestPacket('read', 'gen/stream.txt', 'octet', { tsize: 0 }), port);
      const oack = await c.next();
      expect(parseOack(oack.msg)).toEqual({ tsize: '12' });
      c.send(ackPacket(0), oack.port);
      const d = await c.next();
      expect(d.msg.subarray(4).toString()).toBe('hello stream');
      c.send(ackPacket(1), oack.port);
    } finally {
      c.close();
    }
  });

  it('clamps and filters option values', () => {
    const limits = { maxBlksize: 1468, maxWindowsize: 16, defaultTimeoutMs: 1000 };
    const n = negotiate(new Map([['blksize', '65464'], ['windowsize', '999'], ['timeout', '0'], ['tsize', '0']]), 5, limits);
    expect(n).toMatchObject({ blksize: 1468, windowsize: 16, timeoutMs: 1000 });
    expect(n.oack).toEqual([['blksize', '1468'], ['windowsize', '16'], ['tsize', '5']]);
    expect(negotiate(new Map([['blksize', '7'], ['tsize', '0']]), undefined, limits).oack).toEqual([]);
    expect(negotiate(new Map([['blksize', '1e3']]), 1, limits).blksize).toBe(512);
  });
});

describe('errors', () => {
  async function requestError(name: string, kind: 'read' | 'write' = 'read') {
    const c = await rawClient();
    try {
      c.send(requestPacket(kind, name, 'octet'), port);
      return parseError((await c.next()).msg);
    } finally {
      c.close();
    }
  }

  it('missing file → 1 (also via the resolve hook returning null)', async () => {
    expect((await requestError('nope.bin')).code).toBe(1);
    expect((await requestError('gen/denied')).code).toBe(1);
  });

  it('".." → access violation; absolute paths are mapped under root', async () => {
    expect((await requestError('../etc/passwd')).code).toBe(2);
    expect((await requestError('sub/../../etc/passwd')).code).toBe(2);
    expect((await requestError('/etc/passwd')).code).toBe(1); // <root>/etc/passwd does not exist
  });

  it('symlink resolving outside root → access violation; inside root is served', async () => {
    expect((await requestError('escape')).code).toBe(2);
    const c = await rawClient();
    try {
      c.send(requestPacket('read', 'inside-link', 'octet'), port);
      const d = await c.next();
      expect(opcode(d.msg)).toBe(3);
      await c.abort(d.port); // abort politely
    } finally {
      c.close();
    }
  });

  it('write requests are refused (read-only server)', async () => {
    const e = await requestError('upload.bin', 'write');
    expect(e.code).toBe(2);
    expect(e.message).toMatch(/read-only/);
  });

  it('unknown modes and non-request opcodes are illegal operations', async () => {
    const c = await rawClient();
    try {
      c.send(requestPacket('read', 'small.bin', 'mail'), port);
      expect(parseError((await c.next()).msg).code).toBe(4);
      c.send(Buffer.from([0, 3, 0, 1, 1, 2, 3]), port);
      expect(parseError((await c.next()).msg).code).toBe(4);
    } finally {
      c.close();
    }
  });

  it('answers a foreign TID with error 5 and carries on with the real peer', async () => {
    const c = await rawClient();
    const intruder = await rawClient();
    try {
      c.send(requestPacket('read', 'small.bin', 'octet'), port);
      const d1 = await c.next();
      intruder.send(ackPacket(1), d1.port);
      expect(parseError((await intruder.next()).msg).code).toBe(5);
      c.send(ackPacket(1), d1.port);
      const d2 = await c.next();
      expect(d2.msg.readUInt16BE(2)).toBe(2);
      await c.abort(d1.port);
    } finally {
      c.close();
      intruder.close();
    }
  });

  it('ignores duplicate ACKs (no Sorcerer\'s Apprentice)', async () => {
    const c = await rawClient();
    try {
      c.send(requestPacket('read', 'small.bin', 'octet'), port);
      const d1 = await c.next();
      c.send(ackPacket(1), d1.port);
      c.send(ackPacket(1), d1.port);
      c.send(ackPacket(1), d1.port);
      const got = await c.drain(100); // shorter than the 150 ms retransmission timeout
      expect(got.map((r) => r.msg.readUInt16BE(2))).toEqual([2]);
      await c.abort(d1.port);
    } finally {
      c.close();
    }
  });

  it('retransmits up to the bound, then sends an error and closes the transfer socket', async () => {
    const c = await rawClient();
    try {
      const done = nextTransfer(server, c.port);
      c.send(requestPacket('read', 'small.bin', 'octet'), port);
      const first = await c.next();
      const copies = [first];
      for (;;) {
        const r = await c.next(1000);
        if (opcode(r.msg) === 5) break;
        copies.push(r);
      }
      expect(copies.length).toBe(3); // the original and maxRetries (2) retransmissions
      for (const r of copies) expect(r.msg.readUInt16BE(2)).toBe(1);
      const summary = await done;
      expect(summary.ok).toBe(false);
      expect(summary.error).toMatch(/Timed out/);
      expect(server.activeTransfers).toBe(0);
      // The port is free again: nothing of the transfer is left bound to it.
      const probe = dgram.createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.bind(first.port, '127.0.0.1', resolve);
      });
      probe.close();
    } finally {
      c.close();
    }
  });
});

describe('path and encoding helpers', () => {
  it('normalises request names', () => {
    expect(normalizeRequestPath('/pxelinux.cfg//default')).toBe('pxelinux.cfg/default');
    expect(normalizeRequestPath('./a/./b')).toBe('a/b');
    expect(() => normalizeRequestPath('a/../b')).toThrow(/\.\./);
    expect(() => normalizeRequestPath('a\0b')).toThrow(/NUL/);
    expect(() => normalizeRequestPath('/')).toThrow(/empty/);
  });

  it('encodes netascii', () => {
    expect(encodeNetascii(Buffer.from('a\nb\rc')).toString('latin1')).toBe('a\r\nb\r\0c');
  });
});
