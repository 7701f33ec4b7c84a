// bench/deploy: streaming a raw image to "disk" on the host, the deploy agent against `curl | dd`.
//   ironplan's HTTP service (buildServer, boot root in a temp dir) serves a random image at /boot/img.raw
//   on 127.0.0.1; target files in the same temp dir stand in for the disk. Measured, alternating, REPS
//   times each (median):
//     curl|dd             sh -c 'curl -s URL | dd of=T bs=1M conv=fsync'             (the reference)
//     agent stream        agent.sh's write_image up to the verify: busybox wget -O fifo, busybox dd
//                         bs=1M conv=fsync reading the fifo, the progress polling (busy_while) and checks
//     agent stream+verify the whole write_image: the above, sync, drop the target's cache, re-read and
//                         sha256sum it
//   and for diagnosis:
//     bb wget>fifo>dd     the agent's data path alone (same commands, no busy_while polling)
//     curl|dd static      curl|dd against `busybox httpd` serving the same file (the HTTP server's share)
//   Target: agent stream ≥ 0.90 × curl|dd.
// The agent runs under `busybox sh` with a PATH of busybox applets only (as in the ramdisk), sourced with
// IRONPLAN_AGENT_SOURCE_ONLY=1; heartbeat is stubbed (no manager). write_image is used as agent.sh has
// it, with two edits for a file target on a shared host: `[ -b "$dev" ]` -> `[ -e "$dev" ]`, and
// `echo 3 >/proc/sys/vm/drop_caches` (machine-wide) -> dropping the target file's pages only
// (GNU dd iflag=nocache count=0, posix_fadvise DONTNEED).
// Run: node bench/deploy/run.mjs [--size-mb 256] [--reps 5] [--agent path/to/agent.sh] [--no-static]
//      [--no-core] [--no-build]   (builds dist/ with tsc first if it is older than engine/http sources)
//      --agent-b path/to/modified-agent.sh adds that agent's stream and stream+verify to the same
//      alternation (an A/B of a change on a busy machine); its ratios are printed as well.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, mkdir, open, readFile, rm, symlink, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freeTcpPort as freePort } from '../../dist/lab/ports.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opt } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '256' },
    reps: { type: 'string', default: '5' },
    agent: { type: 'string', default: join(root, 'drivers', 'agent', 'ramdisk', 'agent.sh') },
    'agent-b': { type: 'string' },
    'no-static': { type: 'boolean', default: false },
    'no-core': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const SIZE_MB = Number(opt['size-mb']);
const REPS = Number(opt.reps);
const AGENT = opt.agent;
const AGENT_B = opt['agent-b'];
const TARGET_RATIO = 0.9;
const BUDGET_MS = 165_000; // whole run < 3 min: no new repetition starts after this
const RUN_TIMEOUT_MS = 60_000; // one measured command
const t0 = Date.now();

if (!(SIZE_MB > 0) || !(REPS > 0)) throw new Error('--size-mb and --reps must be positive');
for (const bin of ['busybox', 'curl', 'dd']) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) throw new Error(`${bin} is not on PATH`);
}
const GNU_DD = spawnSync('sh', ['-c', 'command -v dd'], { encoding: 'utf8' }).stdout.trim();
if (!/coreutils/.test(spawnSync(GNU_DD, ['--version'], { encoding: 'utf8' }).stdout ?? '')) {
  throw new Error(`${GNU_DD} is not GNU dd (needed for the reference and for iflag=nocache)`);
}

// ---- dist/ ------------------------------------------------------------------------------------------
function distStale() {
  const pairs = [
    ['engine/http/boot.ts', 'dist/engine/http/boot.js'],
    ['engine/http/server.ts', 'dist/engine/http/server.js'],
    ['engine/engine.ts', 'dist/engine/engine.js'],
  ];
  return pairs.some(([src, out]) => !existsSync(join(root, out)) || statSync(join(root, src)).mtimeMs > statSync(join(root, out)).mtimeMs);
}
if (!opt['no-build'] && distStale()) {
  console.log('dist/ is older than engine sources: npx tsc -p tsconfig.json (type errors tolerated) …');
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) console.log(`  tsc exited ${r.status} (emitted anyway; first lines: ${(r.stdout || r.stderr).split('\n').slice(0, 3).join(' | ')})`);
}
const { Engine } = await import(pathToFileURL(join(root, 'dist/engine/engine.js')).href);
const { buildServer } = await import(pathToFileURL(join(root, 'dist/engine/http/server.js')).href);
const { BUILTIN_DRIVERS } = await import(pathToFileURL(join(root, 'dist/engine/cli/compose.js')).href);
const { default: pino } = await import('pino');

// ---- process bookkeeping: everything started here runs in its own process group ----------------------
const children = new Set();
function killAll() {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

/** Runs argv in its own process group; resolves {ms, code, stdout, stderr}. */
function run(argv, { env, cwd, timeoutMs = RUN_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const c = spawn(argv[0], argv.slice(1), { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(c);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, timeoutMs);
    c.on('error', (e) => {
      clearTimeout(timer);
      children.delete(c);
      reject(e);
    });
    c.on('close', (code, signal) => {
      const ms = performance.now() - start;
      clearTimeout(timer);
      children.delete(c);
      // Reap anything the command left behind in its group (a stray dd on a fifo, …).
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        // group empty
      }
      resolve({ ms, code, signal, stdout, stderr });
    });
  });
}


const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- the agent under test --------------------------------------------------------------------------
/** write_image's text from agent.sh, and the two bench variants of it. */
function agentFunctions(AGENT, text) {
  const lines = text.split('\n');
  const startIdx = lines.findIndex((l) => /^write_image\(\) \{/.test(l));
  if (startIdx < 0) throw new Error(`${AGENT}: no write_image() {`);
  const endIdx = lines.findIndex((l, i) => i > startIdx && l === '}');
  if (endIdx < 0) throw new Error(`${AGENT}: write_image has no closing } at column 0`);
  let body = lines.slice(startIdx + 1, endIdx).join('\n');
  const edits = [
    [/\[ -b "\$dev" \]/, '[ -e "$dev" ]', 'block-device check'],
    [/echo 3 *>\s*\/proc\/sys\/vm\/drop_caches/, 'bench_drop_cache "$dev"', 'drop_caches'],
  ];
  for (const [re, to, what] of edits) {
    if (!re.test(body)) throw new Error(`${AGENT}: write_image no longer has the ${what} this bench adapts (${re})`);
    body = body.replace(re, to);
  }
  const full = `write_image() {\n${body}\n}`;
  const cut = body.search(/\n[ \t]*# Verify what the disk holds/);
  if (cut < 0) throw new Error(`${AGENT}: write_image has no "# Verify what the disk holds" marker to cut the stream part at`);
  const stream = `write_image_stream() {\n${body.slice(0, cut)}\n  STATUS=streamed\n  EXTRA=$counts\n}`;
  return { full, stream };
}

const bbList = spawnSync('busybox', ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

// ---- setup -----------------------------------------------------------------------------------------
const dir = await mkdtemp(join(tmpdir(), 'ironplan-bench-deploy-'));
const bootRoot = join(dir, 'boot');
const staticRoot = join(dir, 'static');
const bbBin = join(dir, 'bb-bin');
await Promise.all([mkdir(bootRoot), mkdir(staticRoot), mkdir(bbBin), mkdir(join(dir, 'state'))]);
await Promise.all(bbList.map((a) => symlink('/usr/bin/busybox', join(bbBin, a)).catch(() => {})));
const BB_PATH = bbBin; // busybox applets only, like the ramdisk

let engine;
let app;
let httpd;
let ok = true;
try {
  // The image: SIZE_MB of random bytes, and its sha256 for the agent's verify.
  const image = join(bootRoot, 'img.raw');
  const sha = createHash('sha256');
  const fh = await open(image, 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < SIZE_MB; i++) {
    randomFillSync(chunk);
    sha.update(chunk);
    await fh.write(chunk);
  }
  await fh.close();
  const BYTES = SIZE_MB << 20;
  const CHECKSUM = `sha256:${sha.digest('hex')}`;
  await symlink(image, join(staticRoot, 'img.raw'));

  engine = await Engine.open({
    database: join(dir, 'ironplan.sqlite'),
    settings: { stateDir: join(dir, 'state'), bootRoot },
    log: pino({ level: 'silent' }),
    drivers: BUILTIN_DRIVERS,
    powerSyncIntervalSec: 0,
    scanDriverPackages: false,
  });
  app = await buildServer(engine, { bootRoot, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = app.server.address().port;
  const URL = `http://127.0.0.1:${port}/boot/img.raw`;

  let STATIC_URL;
  if (!opt['no-static']) {
    const sport = await freePort();
    httpd = spawn('busybox', ['httpd', '-f', '-p', `127.0.0.1:${sport}`, '-h', staticRoot], { detached: true, stdio: 'ignore' });
    children.add(httpd);
    STATIC_URL = `http://127.0.0.1:${sport}/img.raw`;
    for (let i = 0; ; i++) {
      const r = await run(['curl', '-sfI', STATIC_URL], { timeoutMs: 2000 });
      if (r.code === 0) break;
      if (i > 50) throw new Error('busybox httpd did not come up');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A driver script: agent.sh sourced, heartbeat stubbed, the two write_image variants defined. */
  async function agentDriver(agentPath, name) {
    const fns = agentFunctions(agentPath, await readFile(agentPath, 'utf8'));
    const driver = join(dir, `agent-driver-${name}.sh`);
    await writeFile(
      driver,
      [
        '# sourced agent.sh + bench stubs; $1 = function to run, $2 = target file, $3 = work dir',
        `. "${agentPath}"`,
        'heartbeat() { CMD=; return 0; }',
        `bench_drop_cache() { "${GNU_DD}" if="$1" iflag=nocache count=0 2>/dev/null; }`,
        fns.full,
        fns.stream,
        'WORK=$3; mkdir -p "$WORK"',
        `IMAGE_URL="${URL}"`,
        `IMAGE_CHECKSUM="${CHECKSUM}"`,
        'ROOT_DEVICE=$2',
        'INTERVAL=2',
        '"$1" >"$WORK/agent.log" 2>&1',
        'echo "$STATUS $EXTRA"',
        '',
      ].join('\n'),
    );
    return driver;
  }
  const agentEnv = { PATH: BB_PATH, IRONPLAN_AGENT_SOURCE_ONLY: '1', HOME: dir };
  const core = join(dir, 'core.sh');
  await writeFile(
    core,
    [
      '# the agent data path alone: busybox wget -O fifo, busybox dd bs=1M conv=fsync reading it',
      'rm -f "$3/pipe"; mkfifo "$3/pipe"',
      'dd if="$3/pipe" of="$2" bs=1M conv=fsync 2>/dev/null &',
      'wget -q -O "$3/pipe" "$1"; rc=$?',
      'wait $!; echo "$rc $?"',
      '',
    ].join('\n'),
  );

  const target = join(dir, 'disk.img');
  let runNo = 0;
  const checkTarget = async (label) => {
    const st = await stat(target).catch(() => undefined);
    if (!st || st.size !== BYTES) throw new Error(`${label}: target holds ${st?.size ?? 'nothing'} bytes, expected ${BYTES}`);
  };
  const agentVariants = (driver, suffix, tag) => [
    {
      key: `stream${suffix}`,
      label: `agent${tag} stream (write_image, no verify)`,
      go: async () => {
        const work = join(dir, `work-${runNo++}`);
        const r = await run(['busybox', 'sh', driver, 'write_image_stream', target, work], { env: agentEnv });
        const status = r.stdout.trim();
        if (!status.startsWith('streamed ')) {
          const log = await readFile(join(work, 'agent.log'), 'utf8').catch(() => '');
          throw new Error(`agent stream: ${status || `exit ${r.code}`}\n${log}${r.stderr}`);
        }
        await checkTarget('agent stream');
        await rm(work, { recursive: true, force: true });
        return r.ms;
      },
    },
    {
      key: `full${suffix}`,
      label: `agent${tag} stream+verify (write_image)`,
      go: async () => {
        const work = join(dir, `work-${runNo++}`);
        const r = await run(['busybox', 'sh', driver, 'write_image', target, work], { env: agentEnv });
        const status = r.stdout.trim();
        if (!status.startsWith('written ')) {
          const log = await readFile(join(work, 'agent.log'), 'utf8').catch(() => '');
          throw new Error(`agent stream+verify: ${status || `exit ${r.code}`}\n${log}${r.stderr}`);
        }
        await rm(work, { recursive: true, force: true });
        return r.ms;
      },
    },
  ];
  const variants = [
    {
      key: 'curl',
      label: 'curl|dd (ironplan /boot)',
      go: async () => {
        const r = await run(['sh', '-c', `curl -s "${URL}" | "${GNU_DD}" of="${target}" bs=1M conv=fsync 2>/dev/null`]);
        if (r.code !== 0) throw new Error(`curl|dd exited ${r.code}: ${r.stderr}`);
        await checkTarget('curl|dd');
        return r.ms;
      },
    },
    ...agentVariants(await agentDriver(AGENT, 'a'), '', ''),
  ];
  if (AGENT_B) variants.push(...agentVariants(await agentDriver(AGENT_B, 'b'), 'B', ' B'));
  if (!opt['no-core']) {
    variants.push({
      key: 'core',
      label: 'bb wget>fifo>dd, no polling (diag)',
      go: async () => {
        const work = join(dir, `work-${runNo++}`);
        await mkdir(work);
        const r = await run(['busybox', 'sh', core, URL, target, work], { env: agentEnv });
        if (r.stdout.trim() !== '0 0') throw new Error(`core pipeline: ${r.stdout} ${r.stderr}`);
        await checkTarget('core pipeline');
        await rm(work, { recursive: true, force: true });
        return r.ms;
      },
    });
  }
  if (STATIC_URL) {
    variants.push({
      key: 'static',
      label: 'curl|dd (busybox httpd, diag)',
      go: async () => {
        const r = await run(['sh', '-c', `curl -s "${STATIC_URL}" | "${GNU_DD}" of="${target}" bs=1M conv=fsync 2>/dev/null`]);
        if (r.code !== 0) throw new Error(`curl|dd static exited ${r.code}: ${r.stderr}`);
        await checkTarget('curl|dd static');
        return r.ms;
      },
    });
  }

  // Warm-up (page cache of the image, the server's JIT), unmeasured.
  await writeFile(target, '');
  await variants[0].go();
  await rm(target, { force: true });

  const times = Object.fromEntries(variants.map((v) => [v.key, []]));
  let reps = 0;
  for (let rep = 0; rep < REPS; rep++) {
    if (Date.now() - t0 > BUDGET_MS) {
      console.log(`(time budget reached after ${reps} repetitions)`);
      break;
    }
    // Alternate: each repetition starts one variant later.
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(rep + k) % variants.length];
      await rm(target, { force: true });
      await writeFile(target, ''); // the "disk" exists (write_image checks it); every variant truncates it
      times[v.key].push(await v.go());
      await rm(target, { force: true });
    }
    reps++;
  }

  const mbps = (ms) => (BYTES / 1e6) / (ms / 1000);
  const med = Object.fromEntries(variants.map((v) => [v.key, median(times[v.key])]));
  console.log(
    `bench/deploy: ${SIZE_MB} MiB random image, ${reps} alternating repetitions (median), 127.0.0.1, targets in ${tmpdir()} (${
      spawnSync('sh', ['-c', `df -T "${dir}" | awk 'NR==2{print $2" on "$1}'`], { encoding: 'utf8' }).stdout.trim()
    })`,
  );
  console.log(`  agent: ${AGENT}${AGENT_B ? `\n  agent B: ${AGENT_B}` : ''}`);
  for (const v of variants) {
    const all = times[v.key].map((ms) => mbps(ms).toFixed(0)).join(' ');
    console.log(`  ${v.label.padEnd(40)} ${`${mbps(med[v.key]).toFixed(0)} MB/s`.padStart(10)}  ${`${(med[v.key] / 1000).toFixed(2)} s`.padStart(8)}   (runs, MB/s: ${all})`);
  }
  for (const sfx of AGENT_B ? ['', 'B'] : ['']) {
    const verifyMs = med[`full${sfx}`] - med[`stream${sfx}`];
    console.log(`  ${`  agent${sfx ? ' B' : ''}: verify (stream+verify − stream)`.padEnd(40)} ${`${(verifyMs / 1000).toFixed(2)} s`.padStart(20)}`);
  }
  const ratio = med.curl / med.stream; // throughput ratio agent / curl|dd
  const pass = ratio >= TARGET_RATIO;
  if (!pass) ok = false;
  console.log(`  ratio agent stream / curl|dd              ${ratio.toFixed(2).padStart(10)}   target ≥ ${TARGET_RATIO.toFixed(2)}   ${pass ? 'PASS' : 'FAIL'}`);
  console.log(`  ratio agent stream+verify / curl|dd       ${(med.curl / med.full).toFixed(2).padStart(10)}   (informational)`);
  if (AGENT_B) {
    console.log(`  ratio agent B stream / curl|dd            ${(med.curl / med.streamB).toFixed(2).padStart(10)}   target ≥ ${TARGET_RATIO.toFixed(2)}   ${med.curl / med.streamB >= TARGET_RATIO ? 'PASS' : 'FAIL'} (B)`);
    console.log(`  ratio agent B stream+verify / curl|dd     ${(med.curl / med.fullB).toFixed(2).padStart(10)}   (informational)`);
    console.log(`  B vs A: stream ${((med.stream - med.streamB) / 1000).toFixed(2)} s faster, stream+verify ${((med.full - med.fullB) / 1000).toFixed(2)} s faster (medians)`);
  }
  if (med.core !== undefined) console.log(`  ratio bb wget>fifo>dd / curl|dd           ${(med.curl / med.core).toFixed(2).padStart(10)}   (data path without polling)`);
  if (med.static !== undefined) console.log(`  ratio ironplan /boot / busybox httpd      ${(med.static / med.curl).toFixed(2).padStart(10)}   (curl|dd on each: the HTTP server's share)`);
  console.log(`  total bench time ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exitCode = ok ? 0 : 1;
} finally {
  killAll();
  await app?.close().catch(() => {});
  await engine?.close().catch(() => {});
  await rm(dir, { recursive: true, force: true });
}
