// Fuzzes the TFTP server (drivers/tftp) with malformed packets and option combinations sent to its
// listener and to the transfers it starts: the server must answer only with well-formed packets, throw
// nothing, end every transfer, and still serve a file correctly afterwards.
import dgram from 'node:dgram';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { createTftpServer } from '../../drivers/tftp/server.js';
import { Opcode, ackPacket, parsePacket } from '../../drivers/tftp/protocol.js';
import { hostileString } from './arbitraries.js';
import { watchCrashes, type FuzzFinding } from './checker.js';

const FILE = Buffer.alloc(3000, 0).map((_, i) => (i * 7) & 0xff);

const SECRET = 'outside-the-root-7f3a';

const nul = (s: string) => Buffer.from(`${s}\0`, 'latin1');
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);

const filename = fc.oneof(
  fc.constantFrom('file.bin', 'text.txt', 'gen/a', 'stream/a', 'throw/a', 'missing', 'dir', '/file.bin', './file.bin', 'dir/../file.bin', '../outside', '..\\file.bin', 'dir/../../etc/passwd', '', 'link-out', '../outside', 'dir/../../outside', '/../outside'),
  hostileString.map((s) => s.replace(/\0/g, '')),
);
const optionName = fc.oneof(fc.constantFrom('blksize', 'windowsize', 'timeout', 'tsize', 'BLKSIZE', 'utimeout', 'multicast', ''), fc.string({ maxLength: 10 }));
const optionValue = fc.oneof(
  fc.constantFrom('0', '1', '7', '8', '512', '1468', '65464', '65465', '65535', '65536', '255', '256', '99999999999', '-1', '+1', '1e3', '12abc', '', ' 8'),
  fc.string({ maxLength: 10 }),
);
/** RRQ/WRQ with any mode and options; sometimes without its final NUL or with an odd name count. */
const request = fc
  .record({ op: fc.constantFrom(Opcode.RRQ, Opcode.RRQ, Opcode.RRQ, Opcode.WRQ), file: filename, mode: fc.oneof(fc.constantFrom('octet', 'OCTET', 'netascii', 'mail', '', 'octet\u00ff'), fc.string({ maxLength: 8 })), options: fc.array(fc.tuple(optionName, optionValue), { maxLength: 6 }), stray: fc.constantFrom('', '', 'x', 'blksize'), cut: fc.boolean() })
  .map(({ op, file, mode, options, stray, cut }) => {
    const pkt = Buffer.concat([u16(op), nul(file.replace(/\0/g, '')), nul(mode.replace(/\0/g, '')), ...options.flatMap(([n, v]) => [nul(n.replace(/\0/g, '')), nul(v.replace(/\0/g, ''))]), ...(stray ? [nul(stray)] : [])]);
    return cut ? pkt.subarray(0, pkt.length - 1) : pkt;
  });
/** What a peer may send in the middle of a transfer: ACKs of any block, errors, data, garbage. */
const midTransfer = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map(ackPacket),
  fc.constantFrom(ackPacket(0), ackPacket(1), ackPacket(2), Buffer.from([0, 4]), Buffer.from([0, 4, 0]), Buffer.from([0, 5, 0, 0]), Buffer.from([0, 5, 0, 1, 0x41, 0x42]), Buffer.from([0, 3, 0, 1, 1, 2, 3]), Buffer.from([0, 6]), Buffer.from([0, 1])),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
);
const packet = fc.record({
  client: fc.integer({ min: 0, max: 15 }),
  toTransfer: fc.boolean(),
  main: fc.oneof({ weight: 5, arbitrary: request }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)) }, { weight: 1, arbitrary: midTransfer }),
  mid: midTransfer,
});

export interface TftpFuzzResult {
  packets: number;
  replies: number;
  findings: FuzzFinding[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A plain RFC 1350 download of `file`: the server must still serve bytes right after the fuzzing. */
async function download(port: number, file: string): Promise<Buffer> {
  const s = dgram.createSocket('udp4');
  const chunks: Buffer[] = [];
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('download timed out')), 5000);
      s.on('message', (msg, rinfo) => {
        const op = msg.readUInt16BE(0);
        if (op !== Opcode.DATA) return reject(new Error(`expected DATA, got ${msg.toString('latin1')}`));
        const block = msg.readUInt16BE(2);
        if (block === chunks.length + 1) chunks.push(msg.subarray(4));
        s.send(ackPacket(block), rinfo.port, rinfo.address);
        if (msg.length < 516) {
          clearTimeout(t);
          resolve(Buffer.concat(chunks));
        }
      });
      s.send(Buffer.concat([u16(Opcode.RRQ), nul(file), nul('octet')]), port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

export async function fuzzTftp(opts: { runs: number; seed: number; dir: string }): Promise<TftpFuzzResult> {
  const root = join(opts.dir, 'root');
  await mkdir(join(root, 'dir'), { recursive: true });
  await writeFile(join(root, 'file.bin'), FILE);
  await writeFile(join(root, 'text.txt'), 'line one\nline two\r\nthree\r');
  // Outside the root, reachable only by escaping it (a symlink, traversal): its bytes must never be sent.
  await writeFile(join(opts.dir, 'outside'), SECRET);
  await symlink(join(opts.dir, 'outside'), join(root, 'link-out'));
  const server = createTftpServer({
    root,
    port: 0,
    timeoutMs: 50,
    maxRetries: 1,
    resolve: async (path) => {
      if (path.startsWith('gen/')) return Buffer.alloc(1500, 1);
      if (path.startsWith('stream/')) return Readable.from([Buffer.alloc(700, 2), Buffer.alloc(10, 3)]);
      if (path.startsWith('throw/')) throw new Error('resolver failed');
      return undefined;
    },
  });
  const result: TftpFuzzResult = { packets: 0, replies: 0, findings: [] };
  const unwatch = watchCrashes((detail) => result.findings.push({ kind: 'crash', request: '', detail }));
  server.on('error', (err) => result.findings.push({ kind: 'crash', request: 'server error event', detail: String(err) }));
  const { port } = await server.listen();
  const clients = Array.from({ length: 16 }, () => dgram.createSocket('udp4'));
  const transferPort = new Map<number, number>();
  try {
    await Promise.all(clients.map((c) => new Promise<void>((r) => c.bind(0, '127.0.0.1', () => r()))));
    clients.forEach((c, i) =>
      c.on('message', (msg, rinfo) => {
        result.replies++;
        const p = parsePacket(msg);
        // The server sends DATA, OACK and ERROR, nothing else, and never a truncated packet.
        if (p.op !== Opcode.DATA && p.op !== Opcode.OACK && p.op !== Opcode.ERROR) result.findings.push({ kind: 'thrown', request: `reply to client ${i}`, detail: `server sent ${msg.toString('hex').slice(0, 80)}` });
        if (rinfo.port !== port) transferPort.set(i, rinfo.port);
        if (msg.includes(SECRET)) result.findings.push({ kind: 'thrown', request: `reply to client ${i}`, detail: 'a file outside the root was served' });
      }),
    );
    await fc.assert(
      fc.asyncProperty(packet, async ({ client, toTransfer, main, mid }) => {
        const c = clients[client]!;
        const tport = transferPort.get(client);
        if (toTransfer && tport) c.send(mid, tport, '127.0.0.1');
        else c.send(main, port, '127.0.0.1');
        result.packets++;
        await sleep(1);
      }),
      { numRuns: opts.runs, seed: opts.seed, endOnFailure: true },
    );
    // Transfers a client negotiated long timeouts for are ended by that client's error packet.
    for (const [i, tport] of transferPort) clients[i]!.send(Buffer.from([0, 5, 0, 0, 0]), tport, '127.0.0.1');
    for (let k = 0; k < 60 && server.activeTransfers > 0; k++) await sleep(50);
    if (server.activeTransfers > 0) result.findings.push({ kind: 'hung', request: '', detail: `${server.activeTransfers} transfers still open after the run` });
    const got = await download(port, 'file.bin');
    if (!got.equals(FILE)) result.findings.push({ kind: 'thrown', request: 'download after fuzzing', detail: `got ${got.length} bytes, not the file` });
  } catch (err) {
    result.findings.push({ kind: 'crash', request: '', detail: String((err as Error)?.stack ?? err).slice(0, 600) });
  } finally {
    for (const c of clients) c.close();
    await server.close();
    unwatch();
  }
  return result;
}
