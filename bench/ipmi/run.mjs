// Benchmark: power changes through the ipmitool PowerInterface against ipmi_sim, and raw ipmitool
// latency for comparison. Target: a confirmed power change in ≤ 1 s (Ironic takes ~15.5 s).
//   node bench/ipmi/run.mjs [changes=10] [rawCalls=20]
// Sources are bundled with esbuild into node_modules/.cache (so `ajv` still resolves and the driver
// finds schemas/ by walking up), because lab/ is not part of the tsc build.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const changes = Number(process.argv[2] ?? 10);
const rawCalls = Number(process.argv[3] ?? 20);
const USERNAME = 'admin';
const PASSWORD = 'bench-secret';
const TARGET_MS = 1000;

const outdir = join(root, 'node_modules', '.cache', 'ironplan-bench-ipmi');
await build({
  entryPoints: { ipmi: join(root, 'drivers/ipmi/index.ts'), bmc: join(root, 'lab/bmc.ts') },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outdir,
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
});
const ipmi = await import(pathToFileURL(join(outdir, 'ipmi.mjs')).href);
const { startBmc } = await import(pathToFileURL(join(outdir, 'bmc.mjs')).href);

const work = await mkdtemp(join(tmpdir(), 'ironplan-bench-ipmi-'));
const bmc = await startBmc({
  chassisControl: join(root, 'lab/bmc/fake-chassis.sh'),
  stateDir: join(work, 'bmc'),
  username: USERNAME,
  password: PASSWORD,
  env: { FAKE_CHASSIS_DIR: join(work, 'chassis') },
});

try {
  const power = ipmi.createIpmitoolPower({ client: new ipmi.IpmitoolClient(), driverInfo: ipmi.IpmiDriverInfoSchema.load() });
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const task = {
    node: { uuid: 'bench', driver_info: { ipmi_address: bmc.address, ipmi_port: bmc.port, ipmi_username: USERNAME, ipmi_password: PASSWORD } },
    log: silent,
  };

  await power.getPowerState(task); // warm-up: page cache, first session
  const changeMs = [];
  for (let i = 0; i < changes; i++) {
    const target = i % 2 === 0 ? 'power on' : 'power off';
    const started = performance.now();
    await power.setPowerState(task, target);
    changeMs.push(performance.now() - started);
    if ((await power.getPowerState(task)) !== target) throw new Error(`BMC not in ${target} after a confirmed change`);
  }

  const raw = async (verbose) => {
    const args = ['-I', 'lanplus', '-H', bmc.address, '-p', String(bmc.port), '-U', USERNAME, '-C', '3', '-E', ...(verbose ? ['-v'] : []), 'power', 'status'];
    const ms = [];
    for (let i = 0; i < rawCalls; i++) {
      const started = performance.now();
      await promisify(execFile)('ipmitool', args, { env: { PATH: process.env.PATH, IPMI_PASSWORD: PASSWORD } });
      ms.push(performance.now() - started);
    }
    return ms;
  };
  const rawMs = await raw(false);
  const rawVerboseMs = await raw(true);

  const line = (label, ms) => `${label.padEnd(44)} n=${String(ms.length).padStart(2)}  median ${fmt(percentile(ms, 50))}  p90 ${fmt(percentile(ms, 90))}  max ${fmt(Math.max(...ms))}`;
  console.log(`ipmi_sim on ${bmc.address}:${bmc.port}, fake chassis`);
  console.log(line('power change (command + confirmed status)', changeMs));
  console.log(line('raw `ipmitool power status`', rawMs));
  console.log(line('raw `ipmitool -v power status` (driver form)', rawVerboseMs));
  const p90 = percentile(changeMs, 90);
  console.log(`target ≤ ${TARGET_MS} ms per change: ${p90 <= TARGET_MS ? 'MET' : 'MISSED'} (p90 ${fmt(p90)}; OpenStack Ironic ~15500 ms)`);
} finally {
  await bmc.stop();
  await rm(work, { recursive: true, force: true });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

function fmt(ms) {
  return `${ms.toFixed(0).padStart(5)} ms`;
}
