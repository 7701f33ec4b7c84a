// Benchmark: a power change seen as done through the redfish PowerInterface (Reset, then PowerState polled
// until it settles, over the driver's session and keep-alive pool) against the raw Redfish round trip for
// the same change (one POST Reset, GETs until PowerState settles, on one bare keep-alive connection), and
// a single raw GET; same lab BMC (in-memory machine, PoweringOn/Off lasting `transitionMs`), same run.
// Then the lab's deploy cycle twice, one after the other, phase by phase: over Redfish virtual media
// (lab/cycle-redfish.ts: the ISO in the virtual CD, no network boot) and over IPMI + iPXE (lab/cycle.ts),
// both UEFI, the same qcow2 image and config drive, so the difference is the ramdisk's way in.
// With --cycles N, each cycle runs N times, alternating (the machine's load drifts), and each phase is
// the median of its N runs.
//   node bench/redfish/run.mjs [changes=20] [transitionMs=30] [--cycles N=1] [--power-only]
// Runs the built code: `npm run build` first (lab/ is part of the tsc build).
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const cyclesAt = args.indexOf('--cycles');
const cycles = cyclesAt >= 0 ? Number(args.splice(cyclesAt, 2)[1]) : 1;
const positional = args.filter((a) => !a.startsWith('--'));
const powerOnly = args.includes('--power-only');
const changes = Number(positional[0] ?? 20);
const transitionMs = Number(positional[1] ?? 30);
const USERNAME = 'admin';
const PASSWORD = 'bench-secret';

const load = (rel) => import(pathToFileURL(join(root, 'dist', rel)).href).catch((err) => {
  throw new Error(`run \`npm run build\` first (${err.message})`);
});
const { register } = await load('drivers/redfish/index.js');
const { startRedfishBmc } = await load('lab/redfish/server.js');
const { FakeMachine } = await load('lab/redfish/machine.js');

const bmc = await startRedfishBmc({ username: USERNAME, password: PASSWORD, machine: new FakeMachine({ transitionMs }) });
const impls = {};
register({ registerInterface: (kind, impl) => (impls[kind] = impl), registerHardwareType() {} });
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const task = { node: { uuid: 'bench', driver_info: { redfish_address: bmc.address, redfish_username: USERNAME, redfish_password: PASSWORD, redfish_verify_ca: false } }, ports: [], log: silent };

const raw = new Agent({ connections: 1, connect: { rejectUnauthorized: false } });
const auth = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
const rawCall = async (method, path, body) => {
  const res = await request(`${bmc.url}${path}`, { method, dispatcher: raw, headers: { authorization: auth, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await res.body.text();
  return text ? JSON.parse(text) : {};
};
const rawChange = async (target) => {
  await rawCall('POST', bmc.paths.reset, { ResetType: target === 'On' ? 'On' : 'ForceOff' });
  let polls = 0;
  while ((await rawCall('GET', bmc.paths.system)).PowerState !== target) polls++;
  return polls;
};

const stats = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s.at(-1).toFixed(1)} ms (n=${s.length})`;
};

try {
  await impls.power.getPowerState(task); // warm-up: TLS handshake, session
  await rawCall('GET', bmc.paths.system);
  const driverMs = [];
  const loginsBefore = bmc.stats.logins;
  for (let i = 0; i < changes; i++) {
    const target = i % 2 === 0 ? 'power on' : 'power off';
    const t = performance.now();
    await impls.power.setPowerState(task, target);
    driverMs.push(performance.now() - t);
  }
  const rawMs = [];
  let rawPolls = 0;
  for (let i = 0; i < changes; i++) {
    const t = performance.now();
    rawPolls += await rawChange(i % 2 === 0 ? 'On' : 'Off');
    rawMs.push(performance.now() - t);
  }
  const getMs = [];
  for (let i = 0; i < changes; i++) {
    const t = performance.now();
    await rawCall('GET', bmc.paths.system);
    getMs.push(performance.now() - t);
  }
  console.log(`redfish bench: lab BMC over HTTPS, machine PoweringOn/Off lasts ${transitionMs} ms, ${changes} changes each`);
  console.log(`  power change seen as done through the driver: ${stats(driverMs)} (${bmc.stats.logins - loginsBefore} logins during the run)`);
  console.log(`  raw Redfish round trip (POST Reset + GET until settled, busy polling): ${stats(rawMs)} (${(rawPolls / changes).toFixed(1)} unsettled GETs per change)`);
  console.log(`  raw single GET of the system: ${stats(getMs)}`);
  const median = (ms) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];
  console.log(`  driver overhead over the raw round trip: ${(median(driverMs) - median(rawMs)).toFixed(1)} ms at the median`);
} finally {
  await raw.close();
  await bmc.close();
}

if (!powerOnly) {
  const { runLabCycle } = await load('lab/cycle.js');
  const { runRedfishLabCycle } = await load('lab/cycle-redfish.js');
  const quiet = () => {};
  console.log(`lab cycles (UEFI VM, qcow2 image, config drive), alternating, ${cycles} run(s) each (median per phase):`);
  const runs = [
    ['virtual media (redfish)', 'bench-vmedia', (hostname) => runRedfishLabCycle({ hostname, print: quiet })],
    ['iPXE (ipmi)', 'bench-ipxe', (hostname) => runLabCycle({ firmware: 'uefi', qcow2: true, hostname, print: quiet })],
  ];
  const seen = runs.map(() => new Map());
  for (let i = 0; i < cycles; i++) {
    // Each pair in the other order: neither cycle always runs on the machine the other has warmed.
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      const [name, hostname, run] = runs[k];
      const r = await run(hostname);
      if (r.hostname !== hostname) throw new Error(`${name}: the deployed system printed hostname=${r.hostname}`);
      for (const p of r.phases) seen[k].set(p.name, [...(seen[k].get(p.name) ?? []), p.seconds]);
    }
  }
  // The lower median with an even count.
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const results = runs.map(([name], k) => [name, new Map([...seen[k]].map(([n, xs]) => [n, med(xs)]))]);
  const names = [...new Set(results.flatMap(([, m]) => [...m.keys()]))];
  const cell = (v) => (v === undefined || Number.isNaN(v) ? 'n/a' : `${v.toFixed(1)} s`).padStart(9);
  const width = Math.max(...names.map((n) => n.length));
  console.log(`  ${'phase'.padEnd(width)}  ${results.map(([n]) => n.padStart(24)).join('')}  difference`);
  for (const n of names) {
    const [a, b] = results.map(([, m]) => m.get(n));
    const diff = a === undefined || b === undefined || Number.isNaN(a - b) ? '' : `${a - b >= 0 ? '+' : ''}${(a - b).toFixed(1)} s`;
    console.log(`  ${n.padEnd(width)}  ${results.map(([, m]) => cell(m.get(n)).padStart(24)).join('')}  ${diff}`);
  }
}
