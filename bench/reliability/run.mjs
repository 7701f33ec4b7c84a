#!/usr/bin/env node
// bench/reliability: one table of how ironplan holds up to bad input and faults.
//   requests fuzzed   every fuzzer of bench/fuzz (HTTP routes, heartbeats, TFTP packets, fleet files)
//   5xx, crashes      what those answered with a 5xx, or what escaped (uncaught exception, server gone)
//   faults            the fault suites (test/faults: BMC timeouts, full disk, PostgreSQL restart,
//                     half-working BMC): injected, and survived (the suite's checks held)
//   records lost      records changed by a refused request (fuzzing) + suites failing on lost records
//   secrets found     a known BMC password, after a session of ironplan serve that stores, shows, patches,
//                     fails with and logs (debug level) a node holding it: found in the logs, in API answers,
//                     and in the database file (where the BMC password is stored to be used, as in Ironic)
// Run: npm run build && node bench/reliability/run.mjs [--runs 10000] [--skip-faults]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFuzz } from '../fuzz/run.mjs';
import { freeTcpPort } from '../../dist/lab/ports.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const runs = Number(arg('runs', '10000'));
const PASSWORD = 'reliability-bmc-pw-9d1c';
const log = (m) => process.stderr.write(`${m}\n`);

/** The fault suites through vitest's JSON report: one entry per test, passed or not. */
function runFaults(dir) {
  const out = join(dir, 'faults.json');
  log('running the fault suites (test/faults)…');
  spawnSync('npx', ['vitest', 'run', 'test/faults', '--reporter=json', `--outputFile=${out}`], { cwd: root, stdio: 'ignore' });
  return readFile(out, 'utf8').then((t) => JSON.parse(t).testResults.flatMap((f) => f.assertionResults.map((a) => ({ name: a.title, ok: a.status === 'passed', skipped: a.status !== 'passed' && a.status !== 'failed' }))), () => []);
}

/** A serve session around one node holding PASSWORD; counts where the password shows up. */
async function scanSecrets(dir) {
  log('scanning a serve session for the known BMC password…');
  const port = await freeTcpPort();
  const logFile = join(dir, 'serve.log');
  const fd = openSync(logFile, 'w');
  const db = join(dir, 'secrets.db');
  const child = spawn(process.execPath, [join(root, 'bin', 'ironplan.js'), 'serve', '--port', String(port), '--db', db, '--state-dir', join(dir, 'state'), '--power-sync-interval', '1'], {
    env: { ...process.env, IRONPLAN_LOG_LEVEL: 'debug' },
    stdio: ['ignore', fd, fd],
  });
  const base = `http://127.0.0.1:${port}`;
  const bodies = [];
  const call = async (method, path, body) => {
    const r = await fetch(base + path, { method, headers: { 'content-type': 'application/json', 'x-openstack-ironic-api-version': 'latest' }, body: body === undefined ? undefined : JSON.stringify(body) });
    bodies.push(await r.text());
    return r.status;
  };
  try {
    for (let i = 0; !(await fetch(`${base}/v1`).then((r) => r.ok, () => false)); i++) {
      if (i > 100) throw new Error('serve did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const info = { ipmi_address: '127.0.0.1', ipmi_port: 9, ipmi_username: 'admin', ipmi_password: PASSWORD, ipmi_timeout: 0.5, ipmi_retries: 0 };
    await call('POST', '/v1/nodes', { driver: 'ipmi', name: 'secret-node', driver_info: info });
    await call('POST', '/v1/nodes', { driver: 'ipmi', name: 'secret-node', driver_info: info }); // 409
    await call('POST', '/v1/nodes', { driver: 'ipmi', name: 'bad', driver_info: { ...info, ipmi_port: 'x' } }); // 400
    await call('GET', '/v1/nodes/secret-node');
    await call('GET', '/v1/nodes/detail');
    await call('PATCH', '/v1/nodes/secret-node', [{ op: 'replace', path: '/driver_info/ipmi_password', value: PASSWORD }]);
    await call('PATCH', '/v1/nodes/secret-node', [{ op: 'test', path: '/driver_info/ipmi_password', value: 'wrong' }]);
    await call('GET', '/v1/nodes/secret-node/validate');
    await call('PUT', '/v1/nodes/secret-node/states/provision', { target: 'manage' }); // verifies over IPMI: fails
    await new Promise((r) => setTimeout(r, 2500));
    await call('PUT', '/v1/nodes/secret-node/states/power?wait=3', { target: 'power on' });
    await call('GET', '/v1/nodes/secret-node');
    await call('GET', '/v1/events?format=json');
    await call('GET', '/metrics');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    closeSync(fd);
  }
  const count = (text) => text.split(PASSWORD).length - 1;
  let inDb = 0;
  for (const f of await readdir(dir)) if (f.startsWith('secrets.db')) inDb += count((await readFile(join(dir, f))).toString('latin1'));
  return { inLogs: count(await readFile(logFile, 'utf8')), inAnswers: bodies.reduce((n, b) => n + count(b), 0), inDb, answers: bodies.length };
}

const dir = await mkdtemp(join(tmpdir(), 'ironplan-reliability-'));
try {
  process.removeAllListeners('warning'); // the yaml parser's warnings about the fuzzer's odd tags
  const fuzz = await runFuzz({ runs, log });
  const faults = process.argv.includes('--skip-faults') ? [] : await runFaults(dir);
  const secrets = await scanSecrets(dir);
  const sum = (kind) => fuzz.reduce((n, r) => n + r.findings.filter((f) => f.kind === kind).length, 0);
  const rows = [
    ['requests fuzzed', fuzz.reduce((n, r) => n + r.inputs, 0), fuzz.map((r) => `${r.target} ${r.inputs}`).join(', ')],
    ['5xx', sum('5xx'), 'answers with a 5xx to fuzzed input'],
    ['crashes', sum('crash') + sum('thrown') + sum('hung'), 'uncaught errors, server gone, unexpected throws, no answer'],
    ['faults injected', faults.filter((f) => !f.skipped).length, faults.map((f) => f.name.slice(0, 40)).join('; ') || 'skipped'],
    ['faults survived', faults.filter((f) => f.ok).length, 'their checks held (503/507 not 500, no corruption, recovery)'],
    ['records lost', sum('changed-by-refused') + faults.filter((f) => !f.ok && !f.skipped).length, 'changed by a refused request, or a failing fault suite'],
    ['secrets found', secrets.inLogs + secrets.inAnswers, `the BMC password: ${secrets.inLogs} in debug logs, ${secrets.inAnswers} in ${secrets.answers} API answers (${secrets.inDb} in the database file, where it is stored to be used)`],
  ];
  console.log(`reliability (fuzz runs ${runs} per target)`);
  for (const [name, value, note] of rows) console.log(`  ${name.padEnd(17)} ${String(value).padStart(7)}   ${note}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
