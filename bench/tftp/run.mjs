#!/usr/bin/env node
// Throughput of our TFTP server against Debian's tftpd-hpa on loopback, with curl as the client.
// Usage: node bench/tftp/run.mjs [--size-mb 100] [--reps 5] [--blksize 1468,65464]
// Needs curl and in.tftpd (tftpd-hpa) on PATH. Bundles drivers/tftp/server.ts with esbuild on the
// fly, so it works without a build of the whole project.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm, open } from 'node:fs/promises';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const sizeMb = Number(arg('size-mb', '100'));
const reps = Number(arg('reps', '5'));
const blksizes = arg('blksize', '1468,65464').split(',').map(Number);
const targets = { 1468: 1.0, 65464: 0.5 };

async function makeFile(path, bytes) {
  const fh = await open(path, 'w');
  const buf = Buffer.allocUnsafe(4 << 20);
  for (let done = 0; done < bytes; done += buf.length) {
    randomFillSync(buf);
    await fh.write(buf, 0, Math.min(buf.length, bytes - done));
  }
  await fh.close();
}

async function freePort() {
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err.trim()}`))));
  });
}

async function curlGet(port, blksize, expected) {
  const out = await run('curl', ['-sS', '--tftp-blksize', String(blksize), '-o', '/dev/null', '-w', '%{time_total} %{size_download}', `tftp://127.0.0.1:${port}/big.bin`]);
  const [time, size] = out.trim().split(' ').map(Number);
  if (size !== expected) throw new Error(`short download on port ${port}: ${size} of ${expected} bytes`);
  return time;
}

async function startTftpdHpa(root) {
  const port = await freePort();
  const args = ['-L', '-a', `127.0.0.1:${port}`, '-s', root];
  // Run as root it would drop to "nobody", who may not read the temp dir.
  if (process.getuid?.() === 0) args.push('-u', 'root');
  const child = spawn('in.tftpd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise((resolve, reject) => {
    child.once('error', reject);
    setTimeout(resolve, 200);
  });
  if (child.exitCode !== null) throw new Error(`in.tftpd exited: ${stderr}`);
  return { port, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))) };
}

async function loadServerModule(dir) {
  const outfile = join(dir, 'tftp-server.mjs');
  await build({ entryPoints: [join(repo, 'drivers/tftp/server.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error' });
  return import(pathToFileURL(outfile).href);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dir = await mkdtemp(join(tmpdir(), 'tftp-bench-'));
const root = join(dir, 'root');
let ours;
let hpa;
try {
  await run('mkdir', [root]);
  const bytes = sizeMb * 1_000_000;
  await makeFile(join(root, 'big.bin'), bytes);
  const { createTftpServer } = await loadServerModule(dir);
  ours = createTftpServer({ root, host: '127.0.0.1', port: 0 });
  const { port: ourPort } = await ours.listen();
  hpa = await startTftpdHpa(root);

  console.log(`file ${sizeMb} MB, ${reps} reps each, median; MB = 10^6 bytes; client: curl`);
  console.log('blksize  ours MB/s  tftpd-hpa MB/s  ratio  target  verdict');
  let allOk = true;
  for (const blksize of blksizes) {
    // Warm the page cache and both servers once, unmeasured.
    await curlGet(ourPort, blksize, bytes);
    await curlGet(hpa.port, blksize, bytes);
    const t = { ours: [], hpa: [] };
    // Interleaved so drift in machine load hits both alike.
    for (let i = 0; i < reps; i++) {
      t.ours.push(await curlGet(ourPort, blksize, bytes));
      t.hpa.push(await curlGet(hpa.port, blksize, bytes));
    }
    const oursMBs = bytes / 1e6 / median(t.ours);
    const hpaMBs = bytes / 1e6 / median(t.hpa);
    const ratio = oursMBs / hpaMBs;
    const target = targets[blksize];
    const verdict = target === undefined ? '-' : ratio >= target ? 'PASS' : 'FAIL';
    if (verdict === 'FAIL') allOk = false;
    console.log(
      `${String(blksize).padEnd(8)} ${oursMBs.toFixed(1).padStart(9)}  ${hpaMBs.toFixed(1).padStart(14)}  ${ratio.toFixed(2).padStart(5)}  ${(target === undefined ? '-' : `>=${target}`).padStart(6)}  ${verdict}`,
    );
  }
  process.exitCode = allOk ? 0 : 1;
} finally {
  await ours?.close();
  await hpa?.stop();
  await rm(dir, { recursive: true, force: true });
}
