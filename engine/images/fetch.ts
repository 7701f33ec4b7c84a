// Reading an image source (http, https or file URL) on the manager: its head, to tell the format, and the
// whole of it into a file while its digest is computed, so a mismatch is known before anything uses it.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { DriverError } from '../../contract/types.js';

/** `sha256:<hex>` / `sha512:<hex>` split; the only digests image_checksum takes. */
export function parseChecksum(checksum: string): { algo: 'sha256' | 'sha512'; hex: string } {
  const m = /^(sha256|sha512):([0-9a-f]+)$/.exec(checksum.trim().toLowerCase());
  if (!m || m[2]!.length !== (m[1] === 'sha256' ? 64 : 128)) {
    throw new DriverError('InvalidParameterValue', `image checksum must be sha256:<64 hex> or sha512:<128 hex>, not ${checksum}`, 'instance_info.image_checksum');
  }
  return { algo: m[1] as 'sha256' | 'sha512', hex: m[2]! };
}

function isFile(url: string): boolean {
  return url.startsWith('file:');
}

async function httpBody(url: string, headers: Record<string, string> = {}, timeoutMs?: number): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined });
  } catch (e) {
    throw new DriverError('ImageError', `cannot download ${url}: ${(e as Error).cause ? String((e as Error).cause) : String(e)}`);
  }
  if (!res.ok || !res.body) throw new DriverError('ImageError', `cannot download ${url}: HTTP ${res.status}`);
  return res;
}

/**
 * The first `n` bytes (fewer if the image is shorter); a server ignoring Range is cut off after them.
 * Gives up after `timeoutMs` (an image URL only the nodes can reach).
 */
export async function readHead(url: string, n: number, timeoutMs = 3000): Promise<Buffer> {
  if (isFile(url)) {
    const fh = await open(fileURLToPath(url), 'r').catch((e: Error) => {
      throw new DriverError('ImageError', `cannot read ${url}: ${e.message}`);
    });
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }
  const res = await httpBody(url, { range: `bytes=0-${n - 1}` }, timeoutMs);
  const chunks: Buffer[] = [];
  let got = 0;
  const reader = res.body!.getReader();
  while (got < n) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    got += value.length;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, n);
}

/**
 * Copies `url` to `dest`; with `checksum`, its digest is checked on the way and a mismatch throws (the
 * caller removes `dest`): nothing has then been converted or served.
 */
export async function download(url: string, dest: string, checksum?: string): Promise<number> {
  const want = checksum ? parseChecksum(checksum) : undefined;
  const hash = createHash(want?.algo ?? 'sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const source = isFile(url)
    ? createReadStream(fileURLToPath(url), { highWaterMark: 1 << 20 })
    : Readable.fromWeb((await httpBody(url)).body! as import('node:stream/web').ReadableStream);
  try {
    await pipeline(source, tap, createWriteStream(dest));
  } catch (e) {
    if (e instanceof DriverError) throw e;
    throw new DriverError('ImageError', `cannot download ${url}: ${(e as Error).message}`);
  }
  const got = hash.digest('hex');
  if (want && got !== want.hex) {
    throw new DriverError(
      'ImageError',
      `image checksum mismatch: ${url} has ${want.algo}:${got}, the deployment says ${want.algo}:${want.hex}; nothing was converted or written to the disk`,
    );
  }
  return size;
}

/** `<algo>:<hex>` of a local file. */
export async function fileDigest(path: string, algo: 'sha256' | 'sha512' = 'sha256'): Promise<string> {
  const hash = createHash(algo);
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return `${algo}:${hash.digest('hex')}`;
}
