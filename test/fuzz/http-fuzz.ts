// Fuzzes every route the server registers (read from fastify's own route tree, so a new route is fuzzed
// without touching this file) with fast-check: wrong types, hostile names and paths, bad microversions,
// bad JSON Patch, deep and huge bodies. Checks: no 5xx, nothing thrown out of the server, and a refused
// request leaves every record as it was (snapshot of the SQLite rows before and after).
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { CHECKSUM, startHarness, type Harness } from '../http/helpers.js';
import { anyJson, deepBody, hostileString, jsonPatch, microversion, mutated } from './arbitraries.js';
import { dbSnapshotter, firstDifference } from './db-snapshot.js';

export interface RouteRef {
  method: string;
  url: string;
}

/** A fresh engine and server, and every (method, path) fastify registered on it (HEAD and wildcards included). */
export async function startFuzzHarness(): Promise<{ h: Harness; routes: RouteRef[] }> {
  const routes: RouteRef[] = [];
  const h = await startHarness({ onRoute: (r) => routes.push(r) }, { settings: { automatedClean: false } as never });
  return { h, routes };
}

/** Percent-encodes a string's UTF-8 bytes (lone surrogates too, which encodeURIComponent throws on). */
function pct(v: string, all: boolean): string {
  let out = '';
  for (const b of Buffer.from(v, 'utf8')) {
    const c = String.fromCharCode(b);
    out += (all ? /[A-Za-z0-9_.~-]/ : /[\x21-\x7e]/).test(c) && !'?#%'.includes(c) || (!all && c === '%') ? c : `%${b.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return out;
}

export interface Seed {
  node: { uuid: string; name: string };
  port: string;
  chassis: string;
  portgroup: string;
}

/** Records for the routes to find (so a refusal happens deep in a handler, not only at the 404). */
export async function seed(h: Harness): Promise<Seed> {
  const existing = await h.call({ method: 'GET', url: '/v1/nodes/fz' });
  const chassis = (await h.call({ method: 'POST', url: '/v1/chassis', payload: { description: 'fuzz' } })).body.uuid as string;
  const node = existing.status === 200 ? existing.body : (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'fz', driver_info: { bmc_password: 'fuzz-s3cret' }, properties: { cpus: 2 } } })).body;
  await h.call({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node.uuid, name: 'fzpg', address: '52:54:00:fa:00:01' } });
  await h.call({ method: 'POST', url: '/v1/ports', payload: { node_uuid: node.uuid, address: '52:54:00:fa:00:02' } });
  const port = (await h.call({ method: 'GET', url: '/v1/ports?address=52:54:00:fa:00:02' })).body.ports?.[0]?.uuid ?? 'none';
  return { node: { uuid: node.uuid, name: 'fz' }, port, chassis, portgroup: 'fzpg' };
}

/** Stand-ins for the seeded records' ids in generated requests, replaced when sent (records get re-created). */
const PLACEHOLDERS: Seed = { node: { uuid: '@node-uuid@', name: 'fz' }, port: '@port@', chassis: '@chassis@', portgroup: 'fzpg' };

function withSeed(text: string, s: Seed): string {
  return text.replaceAll(PLACEHOLDERS.node.uuid, s.node.uuid).replaceAll(PLACEHOLDERS.port, s.port).replaceAll(PLACEHOLDERS.chassis, s.chassis);
}

function templates(s: Seed = PLACEHOLDERS): Record<string, Record<string, unknown>> {
  const fleet = { nodes: [{ name: 'fzs', driver: 'fake-hardware', driver_info: {} }], deployments: [] };
  return {
    'POST /v1/nodes': { driver: 'fake-hardware', name: 'fz2', driver_info: { fake_power_delay_ms: 0 }, properties: { cpus: 2 }, resource_class: 'rc', extra: {}, chassis_uuid: s.chassis },
    'PUT /v1/nodes/:ident/states/power': { target: 'power on', timeout: 10 },
    'PUT /v1/nodes/:ident/states/provision': { target: 'manage', clean_steps: [], configdrive: 'x' },
    'PUT /v1/nodes/:ident/management/boot_device': { boot_device: 'pxe', persistent: false },
    'PUT /v1/nodes/:ident/maintenance': { reason: 'fuzz' },
    'POST /v1/nodes/:ident/vifs': { id: 'vif-1' },
    'PUT /v1/nodes/:ident/traits': { traits: ['CUSTOM_A'] },
    'POST /v1/ports': { address: '52:54:00:12:34:56', node_uuid: s.node.uuid, pxe_enabled: true, extra: {}, portgroup_uuid: s.portgroup },
    'POST /v1/chassis': { description: 'd', extra: {} },
    'POST /v1/portgroups': { node_uuid: s.node.uuid, name: 'pg2', address: '52:54:00:ab:cd:ef', mode: 'active-backup', properties: {} },
    'POST /v1/heartbeat/:ident': { agent_token: 'x', agent_status: 'ready', agent_version: '1', callback_url: 'http://127.0.0.1:1' },
    'PUT /v1/specs': fleet,
    'POST /v1/plans/dry-run': fleet,
    'PUT /v1/specs/nodes/:name': { driver: 'fake-hardware', driver_info: {}, provision_state: 'manageable' },
    'PUT /v1/specs/deployments/:name': { node: 'fz', image_source: 'http://127.0.0.1:1/img', image_checksum: CHECKSUM },
    'POST /v1/plans/:id/apply': { concurrency: 2 },
  };
}

function knownValues(param: string, s: Seed = PLACEHOLDERS): string[] {
  switch (param) {
    case 'ident': return [s.node.uuid, s.node.name, s.port, s.portgroup];
    case 'uuid': return [s.chassis];
    case 'name': return ['fake-hardware', 'ipmi', 'fzs'];
    case 'hostname': return ['localhost'];
    case 'id': return ['0', 'latest'];
    case '*': return ['ipxe/boot.ipxe', 'nodes/x', '../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e/x', 'a/../../b', '/etc/passwd'];
    default: return ['x'];
  }
}

export interface FuzzRequest extends InjectOptions {
  label: string;
}

/** One generated request for one of the routes. */
export function requestArb(routes: RouteRef[]): fc.Arbitrary<FuzzRequest> {
  const bodies = templates();
  return fc.constantFrom(...routes).chain((r) => {
    const params = [...r.url.matchAll(/:([A-Za-z_]+)|\*/g)].map((m) => m[1] ?? '*');
    const key = `${r.method} ${r.url}`;
    const template = bodies[key];
    const body = fc.oneof(
      { weight: 3, arbitrary: template ? mutated(template) : anyJson },
      { weight: r.method === 'PATCH' ? 4 : 1, arbitrary: jsonPatch },
      { weight: 2, arbitrary: anyJson },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ).map((b) => (b === undefined ? undefined : JSON.stringify(b)));
    const raw = fc.oneof(
      { weight: 8, arbitrary: body },
      { weight: 1, arbitrary: deepBody },
      { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('{', '{"a":', '[1,]', '\u0000', 'nul', '{"a":1}{"b":2}')) },
      { weight: 1, arbitrary: fc.integer({ min: 100_000, max: 3_000_000 }).map((n) => JSON.stringify({ name: 'a'.repeat(n) })) },
    );
    const paramValues = fc.tuple(...params.map((p) => fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...knownValues(p)) }, { weight: 2, arbitrary: hostileString })));
    const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom('fields', 'limit', 'marker', 'sort_key', 'sort_dir', 'detail', 'node', 'wait', 'after', 'format', 'addresses', 'node_uuid', 'maintenance', 'provision_state', 'driver', 'associated', 'chassis_uuid', 'address', 'portgroup', 'type'), hostileString), fc.oneof(hostileString, fc.constantFrom('0', '-1', '99999999999999999999', 'true', 'name,uuid', 'uuid', 'asc', 'bogus'))), { maxLength: 3 });
    const contentType = fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', undefined, 'application/json; charset=utf-16', 'application/json-patch+json', 'multipart/form-data; boundary=x');
    return fc.record({ paramValues, query, raw, version: microversion, contentType, encode: fc.boolean() }).map(({ paramValues, query, raw, version, contentType, encode }) => {
      let i = 0;
      const path = r.url.replace(/:([A-Za-z_]+)|\*/g, () => {
        const v = paramValues[i++] ?? '';
        return pct(v, encode);
      });
      // The event stream never ends by design; its JSON page is what can be answered and checked.
      if (r.url === '/v1/events') query.unshift(['format', 'json']);
      const qs = query.map(([k, v]) => `${pct(k, true)}=${pct(v, true)}`).join('&');
      const headers: Record<string, string> = {};
      if (version !== undefined) headers['x-openstack-ironic-api-version'] = version;
      const sendBody = !['GET', 'HEAD'].includes(r.method) && raw !== undefined;
      if (sendBody && contentType) headers['content-type'] = contentType;
      return { label: key, method: r.method as InjectOptions['method'], url: qs ? `${path}?${qs}` : path, headers, ...(sendBody ? { payload: raw } : {}) };
    });
  });
}

export interface FuzzFinding {
  kind: '5xx' | 'changed-by-refused' | 'crash' | 'hung';
  request: string;
  detail: string;
}

export interface HttpFuzzResult {
  requests: number;
  byStatus: Record<string, number>;
  routes: number;
  findings: FuzzFinding[];
}

const describeReq = (r: FuzzRequest) => `${r.method} ${r.url.slice(0, 300)} headers=${JSON.stringify(r.headers)} body=${String(r.payload ?? '').slice(0, 300)}`;

const HANG_MS = 5000;

/** Waits until no record changes for a moment (a 202 finishes its work in the background). */
async function settle(take: () => string, maxMs = 2000): Promise<void> {
  let last = take();
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 15));
    const now = take();
    if (now === last) return;
    last = now;
  }
}

/** Runs `runs` generated requests against a fresh engine and server; `onlyPrefix` narrows the routes. */
export async function fuzzHttp(opts: { runs: number; seed: number; onlyPrefix?: string }): Promise<HttpFuzzResult> {
  const { h, routes: all } = await startFuzzHarness();
  const crashes: string[] = [];
  const onCrash = (err: unknown) => crashes.push(String((err as Error)?.stack ?? err));
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const snap = dbSnapshotter(`${h.dir}/ironplan.sqlite`);
  const result: HttpFuzzResult = { requests: 0, byStatus: {}, routes: 0, findings: [] };
  try {
    let s = await seed(h);
    const routes = all.filter((r) => !opts.onlyPrefix || r.url.startsWith(opts.onlyPrefix));
    result.routes = routes.length;
    const send = async (req: FuzzRequest) => {
      const { label: _label, ...generated } = req;
      const inject = { ...generated, url: withSeed(generated.url ?? '', s), ...(typeof generated.payload === 'string' ? { payload: withSeed(generated.payload, s) } : {}) };
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), HANG_MS)));
      try {
        const res = await Promise.race([h.app.inject(inject), hung]);
        if (res !== 'hung') return res;
        // ?wait=N may legitimately hold a 202 for N seconds; anything else this slow is a finding.
        if (!/[?&]wait=/.test(req.url ?? '')) result.findings.push({ kind: 'hung', request: describeReq(req), detail: `no answer in ${HANG_MS} ms` });
        return undefined;
      } catch {
        return undefined; // light-my-request refused to build it (an invalid header): never reached the server
      } finally {
        clearTimeout(timer);
      }
    };
    await fc.assert(
      fc.asyncProperty(requestArb(routes), async (req) => {
        const before = snap.take();
        const res = await send(req);
        if (!res) return;
        result.requests++;
        const cls = `${res.statusCode}`;
        result.byStatus[cls] = (result.byStatus[cls] ?? 0) + 1;
        if (res.statusCode >= 500) result.findings.push({ kind: '5xx', request: describeReq(req), detail: `${res.statusCode} ${res.body.slice(0, 500)}` });
        if (res.statusCode < 400) {
          if (req.method !== 'GET' && req.method !== 'HEAD') await settle(snap.take);
          if (req.method === 'DELETE') s = await seed(h); // the seeded records stay there to be fuzzed
          return;
        }
        const after = snap.take();
        if (after === before) return;
        // Background work of an earlier accepted request may have landed meanwhile: ask again once.
        await settle(snap.take);
        const before2 = snap.take();
        const res2 = await send(req);
        const after2 = snap.take();
        if (res2 && res2.statusCode >= 400 && after2 !== before2) {
          result.findings.push({ kind: 'changed-by-refused', request: describeReq(req), detail: `${res2.statusCode} ${res2.body.slice(0, 300)}; ${firstDifference(before2, after2)}` });
        }
      }),
      { numRuns: opts.runs, seed: opts.seed, endOnFailure: true },
    );
    // The server still answers after all of that.
    const alive = await h.app.inject({ method: 'GET', url: '/v1' });
    if (alive.statusCode !== 200) crashes.push(`GET /v1 answered ${alive.statusCode} after the run`);
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    snap.close();
    await h.close();
  }
  for (const c of crashes) result.findings.push({ kind: 'crash', request: '', detail: c.slice(0, 1000) });
  return result;
}
