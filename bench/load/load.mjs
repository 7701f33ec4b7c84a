// The load itself, against any endpoint: `clients` concurrent clients for `seconds`, each looping over a
// mix of reads, creates, patches and state changes (power, manage/provide) of fake-hardware nodes.
// Refusals the API gives by design (409 NodeLocked, 400 for a transition not allowed now) are counted,
// not errors; a 5xx or a failed connection is an error.
import { Pool } from 'undici';

const H = { 'x-openstack-ironic-api-version': 'latest', 'content-type': 'application/json' };

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

export async function runLoad({ endpoint, clients = 200, seconds = 60, onSecond = () => {} }) {
  const pool = new Pool(endpoint, { connections: clients, pipelining: 1 });
  const nodes = [];
  const latencies = [];
  const byStatus = {};
  const errors = [];
  const byOp = {};
  let seq = 0;
  const call = async (op, method, path, body) => {
    const t0 = performance.now();
    try {
      const res = await pool.request({ method, path, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.body.text();
      latencies.push(performance.now() - t0);
      byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
      byOp[op] = (byOp[op] ?? 0) + 1;
      if (res.statusCode >= 500) errors.push(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
      return { status: res.statusCode, text };
    } catch (err) {
      errors.push(`${method} ${path}: ${err.message}`);
      return { status: 0, text: '' };
    }
  };
  const pick = () => nodes[Math.floor(Math.random() * nodes.length)];
  const create = async () => {
    const name = `load-${process.pid}-${seq++}`;
    const r = await call('create', 'POST', '/v1/nodes', { driver: 'fake-hardware', name, driver_info: { fake_power_delay_ms: 0 }, properties: { cpus: 4, memory_mb: 8192 }, resource_class: 'load' });
    if (r.status === 201) nodes.push(JSON.parse(r.text).uuid);
  };
  for (let i = 0; i < Math.min(50, clients); i++) await create();
  const ops = [
    [30, () => call('list', 'GET', '/v1/nodes?limit=50')],
    [25, () => call('show', 'GET', `/v1/nodes/${pick()}`)],
    [8, create],
    [15, () => call('patch', 'PATCH', `/v1/nodes/${pick()}`, [{ op: 'add', path: '/extra/load', value: String(Math.random()) }])],
    [12, () => call('power', 'PUT', `/v1/nodes/${pick()}/states/power`, { target: Math.random() < 0.5 ? 'power on' : 'power off' })],
    [10, () => call('provision', 'PUT', `/v1/nodes/${pick()}/states/provision`, { target: Math.random() < 0.5 ? 'manage' : 'provide' })],
  ];
  const weight = ops.reduce((n, [w]) => n + w, 0);
  const choose = () => {
    let r = Math.random() * weight;
    for (const [w, fn] of ops) if ((r -= w) < 0) return fn;
    return ops[0][1];
  };
  const end = Date.now() + seconds * 1000;
  const ticker = setInterval(() => onSecond({ requests: latencies.length }), 1000);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) await choose()();
  }));
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(ticker);
  await pool.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  return { requests: latencies.length + errors.filter((e) => !/: \d{3} /.test(e)).length, perSecond: latencies.length / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, byStatus, byOp, errors, nodes: nodes.length };
}
