// Fuzzes every route the server registers (read from fastify's own route tree, so a new route is fuzzed
// without touching this file) with fast-check: wrong types, hostile names and paths, bad microversions,
// bad JSON Patch, deep and huge bodies. Checks: no 5xx, nothing thrown out of the server, and a refused
// request leaves every record as it was (snapshot of the SQLite rows before and after).
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { CHECKSUM, startHarness, type Harness } from '../http/helpers.js';
import { anyJson, deepBody, hostileString, jsonPatch, microversion, mutated } from './arbitraries.js';
import { Checker, type FuzzTally } from './checker.js';

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
    case 'method': return ['__proto__', 'constructor', 'toString', 'first_method'];
    case 'id': return ['0', 'latest'];
    case '*': return ['ipxe/boot.ipxe', 'nodes/x', '../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e/x', 'a/../../b', '/etc/passwd'];
    default: return ['x'];
  }
}

export interface FuzzRequest extends InjectOptions {
  url: string;
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

export interface HttpFuzzResult extends FuzzTally {
  routes: number;
}

/** Runs `runs` generated requests against a fresh engine and server; `onlyPrefix` narrows the routes. */
export async function fuzzHttp(opts: { runs: number; seed: number; onlyPrefix?: string }): Promise<HttpFuzzResult> {
  const { h, routes: all } = await startFuzzHarness();
  const checker = new Checker(h.app, `${h.dir}/ironplan.sqlite`);
  const routes = all.filter((r) => !opts.onlyPrefix || r.url.startsWith(opts.onlyPrefix));
  try {
    let s = await seed(h);
    await fc.assert(
      fc.asyncProperty(requestArb(routes), async ({ label: _label, ...req }) => {
        const res = await checker.check({ ...req, url: withSeed(String(req.url), s), ...(typeof req.payload === 'string' ? { payload: withSeed(req.payload, s) } : {}) });
        // The seeded records stay there to be fuzzed.
        if (res && res.statusCode < 400 && req.method === 'DELETE') s = await seed(h);
      }),
      { numRuns: opts.runs, seed: opts.seed, endOnFailure: true },
    );
    return { ...(await checker.finish()), routes: routes.length };
  } finally {
    await h.close();
  }
}
