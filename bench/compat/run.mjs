// bench/compat: the same sequence of Ironic v1 requests (sequence.mjs) sent to a real OpenStack Ironic 21.4
// (Debian's, standalone: noauth, SQLite, fake-hardware) and to `ironplan serve`, side by side. Prints every
// request whose status code or top-level field set differs (for collections, also the fields of their first
// member), marks the ones differences.json documents, and ends with the counts.
// Run: npm run build && node bench/compat/run.mjs   (VERBOSE=1 prints every step; JSON=<file> writes the results)
// Needs ironic-api + ironic-conductor from Debian (apt-get install ironic-api ironic-conductor).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpPort } from '../../dist/lab/ports.js';
import { ironicInstalled, startIronic } from './ironic.mjs';
import { SEQUENCE } from './sequence.mjs';
import { compareAnswers } from './compare.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const HEADER = 'X-OpenStack-Ironic-API-Version';

async function startIronplan(port) {
  const dir = await mkdtemp(join(tmpdir(), 'compat-ironplan-'));
  const child = spawn(process.execPath, [join(root, 'bin', 'ironplan.js'), 'serve', '--port', String(port), '--db', join(dir, 'ironplan.db'), '--state-dir', join(dir, 'state'), '--power-sync-interval', '0'], {
    env: { ...process.env, IRONPLAN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; !(await fetch(`${endpoint}/v1`).then((r) => r.ok, () => false)); i++) {
    if (child.exitCode !== null || i > 150) throw new Error('ironplan serve did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    async stop() {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function fill(value, vars) {
  if (typeof value === 'string') return value.replace(/\{(\w+)\}/g, (m, k) => vars[k] ?? m);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

async function send(endpoint, step, vars) {
  const headers = { accept: 'application/json' };
  if (step.version) headers[HEADER] = step.version;
  let body;
  if (step.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(fill(step.body, vars));
  }
  const res = await fetch(endpoint + fill(step.path, vars), { method: step.method, headers, body });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (step.capture && res.ok && json) for (const [k, field] of Object.entries(step.capture)) vars[k] = json[field];
  return { status: res.status, json };
}

/** Polls the node until no provision change is under way (both services report target_provision_state null). */
async function settle(endpoint, vars) {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`${endpoint}/v1/nodes/${vars.node}`, { headers: { [HEADER]: '1.37' } });
    const node = await res.json();
    if (!node.target_provision_state) return node.provision_state;
    await new Promise((r) => setTimeout(r, 100));
  }
  return 'unsettled';
}

async function main() {
  if (!ironicInstalled()) {
    console.log('bench/compat: SKIPPED — OpenStack Ironic is not installed (apt-get install ironic-api ironic-conductor)');
    return;
  }
  const documented = JSON.parse(await readFile(join(here, 'differences.json'), 'utf8'));
  const [ip, pp] = [await freeTcpPort(), await freeTcpPort()];
  const ironic = await startIronic(ip);
  const ironplan = await startIronplan(pp);
  const vars = { ironic: {}, ironplan: {} };
  const results = [];
  try {
    for (const step of SEQUENCE) {
      const a = await send(ironic.endpoint, step, vars.ironic);
      const b = await send(ironplan.endpoint, step, vars.ironplan);
      const states = step.wait ? [await settle(ironic.endpoint, vars.ironic), await settle(ironplan.endpoint, vars.ironplan)] : null;
      const diff = compareAnswers(a, b);
      if (states && states[0] !== states[1]) diff.push(`settled in "${states[0]}" (Ironic) vs "${states[1]}" (ironplan)`);
      results.push({ id: step.id, request: `${step.method} ${step.path}${step.version ? ` @${step.version}` : ''}`, ironic: a.status, ironplan: b.status, diff, documented: documented[step.id] ?? null });
      if (process.env.VERBOSE) console.log(`${step.id.padEnd(32)} ${a.status} ${b.status} ${diff.join('; ')}`);
    }
  } finally {
    await ironplan.stop();
    await ironic.stop();
  }
  const differing = results.filter((r) => r.diff.length);
  const undocumented = differing.filter((r) => !r.documented);
  console.log(`bench/compat: ${results.length} requests to Ironic 21.4 and ironplan, side by side\n`);
  for (const r of differing) {
    console.log(`${r.documented ? 'documented  ' : 'UNDOCUMENTED'} ${r.request}  [${r.id}]  Ironic ${r.ironic}, ironplan ${r.ironplan}`);
    for (const d of r.diff) console.log(`               ${d}`);
    if (r.documented) console.log(`               why: ${r.documented}`);
  }
  console.log(`\nrequests: ${results.length}   same: ${results.length - differing.length}   differing: ${differing.length}   documented: ${differing.length - undocumented.length}   undocumented: ${undocumented.length}`);
  if (process.env.JSON) await writeFile(process.env.JSON, JSON.stringify(results, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
