// bench/plan: time to plan 10,000 node specs against 10,000 records (target ≤ 100 ms).
// Run: npm run build && node bench/plan/run.mjs
import { plan } from '../../dist/engine/plan.js';

const N = Number(process.env.N ?? 10_000);
// As the engine plans: the specs come from the store with its revision of the desired set.
const specs = { nodes: [], deployments: [], revision: 42 };
const records = { nodes: [], ports: [], deployments: [] };
for (let i = 0; i < N; i++) {
  const name = `r${String(i).padStart(5, '0')}`;
  const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const mac = `52:54:${[i >> 16, (i >> 8) & 255, i & 255, 1].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
  specs.nodes.push({
    name,
    driver: 'ipmi',
    driver_info: { ipmi_address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, ipmi_username: 'admin', ipmi_password: 'secret', ipmi_port: 623 },
    properties: { cpus: 32, memory_mb: 262144, local_gb: 960, cpu_arch: 'x86_64' },
    resource_class: 'baremetal.large',
    traits: ['CUSTOM_RACK_A', 'HW_CPU_X86_AVX2'],
    ports: [{ address: mac }],
    // Every tenth node differs from its record, so the plan does real work.
    power_state: i % 10 === 0 ? 'power on' : 'power off',
  });
  records.nodes.push({
    uuid, name, driver: 'ipmi',
    driver_info: { ipmi_address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, ipmi_username: 'admin', ipmi_password: 'secret', ipmi_port: 623 },
    interfaces: { power: 'ipmitool', management: 'ipmitool', boot: 'ipxe', deploy: 'agent', inspect: 'no-inspect', vendor: 'no-vendor' },
    properties: { cpus: 32, memory_mb: 262144, local_gb: 960, cpu_arch: 'x86_64' },
    resource_class: 'baremetal.large', traits: ['CUSTOM_RACK_A', 'HW_CPU_X86_AVX2'],
    power_state: 'power off', target_power_state: null, provision_state: 'available', target_provision_state: null,
    maintenance: false, maintenance_reason: null, last_error: null, reservation: null, chassis_uuid: null, instance_uuid: null,
    instance_info: {}, driver_internal_info: {}, extra: {}, managed: true, provision_deadline: null,
    created_at: '2026-01-01T00:00:00Z', updated_at: null, provision_updated_at: null, version: 3,
  });
  records.ports.push({ uuid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`, node_uuid: uuid, address: mac, pxe_enabled: true, extra: {}, created_at: 'x', updated_at: null });
}
const secretFields = () => new Set(['ipmi_password']);
const times = [];
let last = plan(specs, records, { secretFields }); // warm-up: JIT compilation is not planning
for (let r = 0; r < 15; r++) {
  const t0 = performance.now();
  last = plan(specs, records, { secretFields });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`plan: ${N} node specs vs ${N} records -> ${last.actions.length} actions`);
console.log(`  median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms (15 runs after one warm-up)`);
console.log(`  machine load average ${(await import('node:os')).loadavg()[0].toFixed(2)} on ${(await import('node:os')).cpus().length} cores`);
console.log(`  target <= 100 ms: ${median <= 100 ? 'MET' : 'NOT MET'}`);
