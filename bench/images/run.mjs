// bench/images: the manager's qcow2 -> raw preparation against `qemu-img convert` alone on the same file.
//   A qcow2 of SIZE MiB (random data in half of its clusters, holes in the rest, as cloud images have) is
//   made once. Measured, alternating, REPS times each (median):
//     qemu-img convert   qemu-img convert -f qcow2 -O raw SRC DST           (the reference)
//     ironplan prepare   ManagerImages.converted(): copy the source in while verifying its sha256, qemu-img
//                        info, the same convert, sha256 of the raw result (what the agent verifies), into a
//                        fresh cache
//   Throughput is the raw (virtual) size over the time. prepare is bound to be slower: by design it reads
//   the source twice (checksum before conversion) and hashes the whole raw result once more (the digest
//   the agent verifies on the disk), holes included, while qemu-img alone skips the holes entirely.
// Run: node bench/images/run.mjs [--size-mb 256] [--reps 3]   (uses dist/: npm run build first)
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { ManagerImages } = await import(pathToFileURL(join(root, 'dist', 'engine', 'images', 'service.js')).href);
const { values: opt } = parseArgs({ options: { 'size-mb': { type: 'string', default: '256' }, reps: { type: 'string', default: '3' } } });
const sizeMb = Number(opt['size-mb']);
const reps = Number(opt.reps);

const dir = await mkdtemp(join(tmpdir(), 'ironplan-bench-images-'));
try {
  const raw = join(dir, 'src.raw');
  const fh = await open(raw, 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let mb = 0; mb < sizeMb; mb += 2) {
    randomFillSync(chunk);
    await fh.write(chunk, 0, chunk.length, mb * (1 << 20));
  }
  await fh.truncate(sizeMb << 20);
  await fh.close();
  const qcow2 = join(dir, 'src.qcow2');
  execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  await rm(raw);
  const checksum = `sha256:${createHash('sha256').update(await readFile(qcow2)).digest('hex')}`;
  const bytes = sizeMb << 20;
  const times = { convert: [], prepare: [] };
  for (let i = 0; i < reps; i++) {
    let t = process.hrtime.bigint();
    execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', qcow2, join(dir, 'out.raw')]);
    times.convert.push(Number(process.hrtime.bigint() - t) / 1e9);
    await rm(join(dir, 'out.raw'));
    const images = new ManagerImages({ bootRoot: join(dir, `boot-${i}`), apiUrl: 'http://127.0.0.1:1', imageFileRoots: [dir] });
    t = process.hrtime.bigint();
    await images.converted(pathToFileURL(qcow2).href, checksum);
    times.prepare.push(Number(process.hrtime.bigint() - t) / 1e9);
    await rm(join(dir, `boot-${i}`), { recursive: true, force: true });
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const mbps = (s) => (bytes / s / 1e6).toFixed(1);
  const c = median(times.convert);
  const p = median(times.prepare);
  console.log(`qcow2 ${sizeMb} MiB virtual (half data), ${reps} reps, median:`);
  console.log(`  qemu-img convert alone : ${c.toFixed(2)} s  ${mbps(c)} MB/s`);
  console.log(`  ironplan prepare       : ${p.toFixed(2)} s  ${mbps(p)} MB/s  (${(c / p).toFixed(2)}x of convert alone)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
