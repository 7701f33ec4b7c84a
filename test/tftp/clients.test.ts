// The TFTP server against real clients: curl, tftp-hpa and atftp (Debian packages).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir, open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createTftpServer, type TftpServer } from '../../drivers/tftp/server.js';

function run(cmd: string, args: string[], timeoutMs = 20_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Random file written in pieces so the test itself never holds it whole. */
async function randomFile(path: string, bytes: number): Promise<string> {
  const h = createHash('sha256');
  const fh = await open(path, 'w');
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let done = 0; done < bytes; done += buf.length) {
    const n = Math.min(buf.length, bytes - done);
    randomFillSync(buf, 0, n);
    h.update(buf.subarray(0, n));
    await fh.write(buf, 0, n);
  }
  await fh.close();
  return h.digest('hex');
}

const BIG = 40 * 1024 * 1024 + 12_345; // past 65535 × 512 bytes: block numbers roll over
const MEDIUM = 3 * 1024 * 1024 + 77;
const script = (mac: string) => `#!ipxe\n# generated for ${mac}\nkernel http://10.0.2.2/vmlinuz\nboot\n`;

let dir: string;
let root: string;
let out: string;
let server: TftpServer;
let url: string;
let port: number;
let bigSha: string;
let mediumSha: string;
const text = 'line one\nline two\r\nbare cr\rend\n';
const resolved: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tftp-clients-'));
  root = join(dir, 'root');
  out = join(dir, 'out');
  await mkdir(root);
  await mkdir(out);
  bigSha = await randomFile(join(root, 'big.bin'), BIG);
  mediumSha = await randomFile(join(root, 'medium.bin'), MEDIUM);
  await writeFile(join(root, 'notes.txt'), text);
  server = createTftpServer({
    root,
    port: 0,
    resolve: async (path, remote) => {
      resolved.push(`${path}@${remote.address}`);
      const m = /^pxelinux\.cfg\/01-([0-9a-f-]{17})$/.exec(path);
      if (m) return Buffer.from(script(m[1]!));
      if (path === 'streamed.ipxe') return Readable.from([script('stream')]);
      return undefined;
    },
  });
  ({ port } = await server.listen());
  url = `tftp://127.0.0.1:${port}`;
}, 30_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('curl', () => {
  it('downloads a > 32 MiB file with the default 512-byte blocks (block numbers roll over)', async () => {
    const dest = join(out, 'curl-big.bin');
    const blocks: Array<{ blksize: number; blocks: number }> = [];
    const on = (s: { blksize: number; blocks: number; file: string; ok: boolean }) => {
      if (s.file === 'big.bin' && s.ok) blocks.push(s);
    };
    server.on('transfer', on);
    try {
      await run('curl', ['-sS', '-o', dest, `${url}/big.bin`], 25_000);
    } finally {
      server.off('transfer', on);
    }
    expect(await sha256File(dest)).toBe(bigSha);
    expect(blocks[0]).toMatchObject({ blksize: 512 });
    expect(blocks[0]!.blocks).toBeGreaterThan(65_535);
  }, 30_000);

  it('downloads with --tftp-blksize 1468 and 65464', async () => {
    for (const blksize of [1468, 65464]) {
      const dest = join(out, `curl-${blksize}.bin`);
      await run('curl', ['-sS', '--tftp-blksize', String(blksize), '-o', dest, `${url}/big.bin`]);
      expect(await sha256File(dest)).toBe(bigSha);
    }
  }, 20_000);

  it('fails cleanly on a missing file', async () => {
    await expect(run('curl', ['-sS', '-o', join(out, 'missing'), `${url}/missing.bin`])).rejects.toThrow(/not found|TFTP/i);
  });
});

describe('tftp-hpa client', () => {
  it('gets a file in binary mode (no options: plain RFC 1350)', async () => {
    const dest = join(out, 'hpa-medium.bin');
    await run('tftp', ['127.0.0.1', String(port), '-m', 'binary', '-c', 'get', 'medium.bin', dest]);
    expect(await sha256File(dest)).toBe(mediumSha);
  });

  it('gets a text file in netascii mode and gets the original bytes back', async () => {
    const dest = join(out, 'hpa-notes.txt');
    await run('tftp', ['127.0.0.1', String(port), '-m', 'ascii', '-c', 'get', 'notes.txt', dest]);
    expect(await readFile(dest, 'latin1')).toBe(text);
  });
});

describe('atftp client', () => {
  it('gets a file with default options', async () => {
    const dest = join(out, 'atftp-medium.bin');
    await run('atftp', ['--get', '-r', 'medium.bin', '-l', dest, '127.0.0.1', String(port)]);
    expect(await sha256File(dest)).toBe(mediumSha);
  });

  it('negotiates blksize 1428 and tsize', async () => {
    const dest = join(out, 'atftp-1428.bin');
    await run('atftp', ['--option', 'blksize 1428', '--option', 'tsize', '--get', '-r', 'medium.bin', '-l', dest, '127.0.0.1', String(port)]);
    expect(await sha256File(dest)).toBe(mediumSha);
  });

  it('negotiates windowsize 4 (RFC 7440)', async () => {
    const dest = join(out, 'atftp-window.bin');
    const summaries: number[] = [];
    const on = (s: { windowsize: number; file: string }) => {
      if (s.file === 'medium.bin') summaries.push(s.windowsize);
    };
    server.on('transfer', on);
    try {
      await run('atftp', ['--option', 'blksize 8192', '--option', 'windowsize 4', '--get', '-r', 'medium.bin', '-l', dest, '127.0.0.1', String(port)]);
    } finally {
      server.off('transfer', on);
    }
    expect(await sha256File(dest)).toBe(mediumSha);
    expect(summaries).toContain(4);
  });
});

describe('generated content through the resolve hook', () => {
  it('serves a per-node iPXE script that exists nowhere on disk', async () => {
    const mac = '52-54-00-12-34-56';
    const dest = join(out, 'node.ipxe');
    await run('curl', ['-sS', '-o', dest, `${url}/pxelinux.cfg/01-${mac}`]);
    expect(await readFile(dest, 'utf8')).toBe(script(mac));
    expect(resolved).toContain(`pxelinux.cfg/01-${mac}@127.0.0.1`);
  });

  it('serves a stream of unknown size to tftp-hpa and atftp', async () => {
    const a = join(out, 'stream-hpa.ipxe');
    const b = join(out, 'stream-atftp.ipxe');
    await run('tftp', ['127.0.0.1', String(port), '-m', 'binary', '-c', 'get', 'streamed.ipxe', a]);
    await run('atftp', ['--option', 'tsize', '--get', '-r', 'streamed.ipxe', '-l', b, '127.0.0.1', String(port)]);
    expect(await readFile(a, 'utf8')).toBe(script('stream'));
    expect(await readFile(b, 'utf8')).toBe(script('stream'));
  });
});
