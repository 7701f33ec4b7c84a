// node bench/terraform/run.mjs [--count 200] [--runs 9]
// 1. provider start-up to handshake vs `node -e 0` (medians)        target: ≤ 2×
// 2. plan and apply of N ironplan_node (fake-hardware) vs N built-in terraform_data, same run
//                                                                     target: apply ≤ 2×
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (n, d) => (process.argv.includes(n) ? Number(process.argv[process.argv.indexOf(n) + 1]) : d);
const COUNT = arg('--count', 200);
const RUNS = arg('--runs', 9);
const COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'ironplan-tfbench-'));
const children = new Set();

function run(cmd, args, opts = {}, untilLine = null) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (untilLine && out.includes('\n')) {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        child.kill('SIGKILL');
        resolve({ ms, out, err });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (untilLine) return out.includes('\n') ? undefined : reject(new Error(`no handshake: ${err}`));
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out}\n${err}`));
      resolve({ ms, out, err });
    });
  });
}

async function startup() {
  const { buildProvider } = await import(pathToFileURL(join(root, 'scripts/provider-build.mjs')).href);
  const entry = await buildProvider({ quiet: true });
  const certMod = join(work, 'cert.mjs');
  await build({ entryPoints: [join(root, 'provider/src/cert.ts')], bundle: true, platform: 'node', format: 'esm', outfile: certMod, logLevel: 'warning' });
  const { makeServerCert } = await import(pathToFileURL(certMod).href);
  const env = { ...process.env, TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_PROTOCOL_VERSIONS: '5,6', PLUGIN_CLIENT_CERT: makeServerCert().certPem };
  const bare = [];
  const prov = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push((await run(process.execPath, ['-e', '0'])).ms);
    prov.push((await run(process.execPath, [entry], { env }, true)).ms);
  }
  return { bare: median(bare), provider: median(prov) };
}

function cliConfig() {
  const f = join(work, 'cli.tfrc');
  writeFileSync(f, `provider_installation {\n  dev_overrides {\n    "registry.terraform.io/ironplan/ironplan" = "${join(root, 'bin')}"\n  }\n  direct {}\n}\n`);
  return f;
}

async function startService() {
  const out = join(work, 'serve.mjs');
  await build({ entryPoints: [join(root, 'bench/terraform/serve.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: join(root, 'bench/terraform/.serve.mjs'), logLevel: 'warning' });
  void out;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bench/terraform/.serve.mjs')], { stdio: ['ignore', 'pipe', 'inherit'], cwd: root });
    children.add(child);
    child.on('error', reject);
    child.stdout.once('data', (d) => resolve({ url: String(d).trim(), child }));
  });
}

async function terraformPair(url) {
  const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig(), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  delete env.TF_LOG;
  const dirs = { ironplan: join(work, 'ironplan'), terraform_data: join(work, 'data'), 'data, node-shaped': join(work, 'data-shaped') };
  for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dirs.ironplan);
  mkdirSync(dirs.terraform_data);
  mkdirSync(dirs['data, node-shaped']);
  // The same count of terraform_data holding an object shaped like an ironplan_node's state (its
  // attribute count and nesting): what terraform itself spends on resources this size, without a provider.
  writeFileSync(
    join(dirs['data, node-shaped'], 'main.tf'),
    `resource "terraform_data" "n" {\n  count = ${COUNT}\n  input = {\n    name = "bench-\${count.index}", driver = "fake-hardware", resource_class = "bench"\n    driver_info = { a = "1" }, properties = { cpus = "8" }, traits = [], extra = {}\n    power_state = null, maintenance = false, maintenance_reason = null, provision_state = "available"\n    interfaces = { power = "fake", management = "fake", boot = "fake", deploy = "fake-agent", inspect = "fake", vendor = "fake" }\n    ports = [], id = null, current_power_state = null, current_provision_state = null, last_error = null\n    driver_secrets = {}, created_at = null, updated_at = null, provision_updated_at = null, instance_uuid = null\n  }\n}\n`,
  );
  writeFileSync(join(dirs.ironplan, 'main.tf'), `terraform {\n  required_providers {\n    ironplan = { source = "ironplan/ironplan" }\n  }\n}\nprovider "ironplan" {\n  endpoint = "${url}"\n}\nresource "ironplan_node" "n" {\n  count  = ${COUNT}\n  name   = "bench-\${count.index}"\n  driver = "fake-hardware"\n  resource_class = "bench"\n  properties = { cpus = "8" }\n}\n`);
  writeFileSync(join(dirs.terraform_data, 'main.tf'), `resource "terraform_data" "n" {\n  count = ${COUNT}\n  input = { name = "bench-\${count.index}", resource_class = "bench" }\n}\n`);
  const res = {};
  const flags = ['-no-color', '-input=false', '-lock=false'];
  for (const [name, cwd] of Object.entries(dirs)) {
    const plan = await run('terraform', ['plan', ...flags], { cwd, env });
    const apply = await run('terraform', ['apply', '-auto-approve', ...flags], { cwd, env });
    const noop = await run('terraform', ['plan', '-detailed-exitcode', ...flags], { cwd, env });
    const destroy = await run('terraform', ['destroy', '-auto-approve', ...flags], { cwd, env });
    res[name] = { plan: plan.ms, apply: apply.ms, noop: noop.ms, destroy: destroy.ms };
  }
  return res;
}

const fmt = (ms) => `${ms.toFixed(0).padStart(7)} ms`;
try {
  const s = await startup();
  console.log(`provider start-up to handshake (median of ${RUNS}): ${fmt(s.provider)}   node -e 0: ${fmt(s.bare)}   ratio ${(s.provider / s.bare).toFixed(2)}x (target <= 2x)`);
  const svc = await startService();
  const t = await terraformPair(svc.url);
  console.log(`\n${COUNT} resources          plan        apply     no-op plan    destroy`);
  for (const [k, v] of Object.entries(t)) console.log(`${k.padEnd(16)} ${fmt(v.plan)} ${fmt(v.apply)} ${fmt(v.noop)} ${fmt(v.destroy)}`);
  const r = (k) => (t.ironplan[k] / t.terraform_data[k]).toFixed(2);
  console.log(`ratio ironplan/terraform_data: plan ${r('plan')}x  apply ${r('apply')}x (target <= 2x)  no-op plan ${r('noop')}x  destroy ${r('destroy')}x`);
  const rs = (k) => (t.ironplan[k] / t['data, node-shaped'][k]).toFixed(2);
  console.log(`ratio ironplan/terraform_data with node-shaped input: plan ${rs('plan')}x  apply ${rs('apply')}x  no-op plan ${rs('noop')}x  destroy ${rs('destroy')}x (terraform's own cost for resources of this size)`);
  svc.child.kill('SIGTERM');
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
  rmSync(join(root, 'bench/terraform/.serve.mjs'), { force: true });
}
