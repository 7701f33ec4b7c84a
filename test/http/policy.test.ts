// Owner/lessee policy (project-scoped tokens), as Ironic's defaults: a project sees only the nodes it owns
// or leases (others are 404), acts on them as its role and relation allow (else 403); system tokens keep
// their meaning. Real engine, real SQLite, real fake-hardware deploys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CHECKSUM, fault, startHarness, waitFor, type Harness } from './helpers.js';
import { BEGIN, END, POLICY, renderPolicyTable, ruleOf } from '../../engine/http/policy-rules.js';
import type { TokenEntry } from '../../engine/generated/tokens.js';

const TOKENS: TokenEntry[] = [
  { token: 'sys-admin', role: 'admin' },
  { token: 'sys-reader', role: 'reader' },
  { token: 'acme-reader', role: 'reader', project: 'acme' },
  { token: 'acme-member', role: 'member', project: 'acme' },
  { token: 'acme-manager', role: 'manager', project: 'acme' },
  { token: 'beta-reader', role: 'reader', project: 'beta' },
  { token: 'beta-member', role: 'member', project: 'beta' },
  { token: 'beta-manager', role: 'manager', project: 'beta' },
  { token: 'other-member', role: 'member', project: 'other' },
];

let h: Harness;
const routes: string[] = [];
beforeAll(async () => {
  h = await startHarness({ auth: { mode: 'token', tokens: TOKENS }, onRoute: (r) => routes.push(`${r.method} ${r.url}`) }, { settings: { automatedClean: false } });
});
afterAll(async () => h.close());

type Call = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: unknown };
const as = (token: string, c: Call) => h.call({ ...c, headers: { authorization: `Bearer ${token}` } } as never);
const admin = (c: Call) => as('sys-admin', c);
const patch = (token: string, node: string, ops: unknown[]) => as(token, { method: 'PATCH', url: `/v1/nodes/${node}`, payload: ops });
const provision = (token: string, node: string, target: string) => as(token, { method: 'PUT', url: `/v1/nodes/${node}/states/provision`, payload: { target } });
const adminWait = (node: string, pred: (n: any) => boolean) => waitFor({ ...h, call: (o) => h.call({ ...o, headers: { authorization: 'Bearer sys-admin' } }) }, node, pred, 20_000);

let leased: string; // owner acme, lessee beta
let others: string; // owner other
let unowned: string; // no owner

async function node(name: string, owner: string | null, lessee: string | null): Promise<string> {
  const r = await admin({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name, driver_info: { fake_note: 'bmc-1' }, owner } });
  expect(r.body).toMatchObject({ owner });
  // The API writes lessee from 1.65, beyond this service's version yet: set through the manager.
  if (lessee) await h.engine.manager.updateNode(r.body.uuid, { lessee });
  return r.body.uuid;
}

beforeAll(async () => {
  leased = await node('leased', 'acme', 'beta');
  others = await node('others', 'other', null);
  unowned = await node('unowned', null, null);
  for (const n of [leased, others]) {
    expect((await admin({ method: 'POST', url: '/v1/ports', payload: { node_uuid: n, address: n === leased ? '52:54:00:aa:00:01' : '52:54:00:aa:00:02' } })).status).toBe(201);
  }
});

const names = (body: any, key = 'nodes') => (body[key] as any[]).map((n) => n.name ?? n.node_uuid).sort();

describe('who a token is', () => {
  it('whoami shows a project token its project; system tokens as before', async () => {
    expect((await as('beta-member', { method: 'GET', url: '/v1/auth/whoami' })).body).toEqual({ role: 'member', project: 'beta', auth: 'token' });
    expect((await as('sys-reader', { method: 'GET', url: '/v1/auth/whoami' })).body).toEqual({ role: 'reader', auth: 'token' });
  });
});

describe('what a project sees', () => {
  it('lists only the nodes it owns or leases; the system sees all', async () => {
    for (const path of ['/v1/nodes', '/v1/nodes/detail', '/v1/nodes?fields=name,owner']) {
      expect(names((await as('acme-reader', { method: 'GET', url: path })).body)).toEqual(['leased']);
      expect(names((await as('beta-member', { method: 'GET', url: path })).body)).toEqual(['leased']);
      expect(names((await as('other-member', { method: 'GET', url: path })).body)).toEqual(['others']);
      expect(names((await as('sys-reader', { method: 'GET', url: path })).body)).toEqual(['leased', 'others', 'unowned']);
    }
    // ?fields without the uuid: the policy asks for it to tell the project's nodes, and drops it again.
    const some = await as('beta-reader', { method: 'GET', url: '/v1/nodes?fields=name,driver_info' });
    // (links come with ?fields, as in Ironic)
    expect(some.body.nodes).toEqual([{ name: 'leased', driver_info: { content: '** Redacted - requires baremetal:node:get:driver_info permission. **' }, links: expect.any(Array) }]);
  });

  it("answers 404 for another project's node, as for one that does not exist", async () => {
    const theirs = await as('beta-member', { method: 'GET', url: `/v1/nodes/${others}` });
    expect(theirs.status).toBe(404);
    expect(fault(theirs.body)).toBe(`Node ${others} could not be found.`);
    expect((await as('beta-member', { method: 'GET', url: '/v1/nodes/unowned' })).status).toBe(404);
    expect((await as('beta-manager', { method: 'PUT', url: `/v1/nodes/${others}/states/power`, payload: { target: 'power on' } })).status).toBe(404);
    expect((await as('beta-manager', { method: 'PATCH', url: `/v1/nodes/${others}`, payload: [{ op: 'add', path: '/extra/x', value: 1 }] })).status).toBe(404);
    expect((await as('beta-member', { method: 'GET', url: `/v1/nodes/${others}/ports` })).status).toBe(404);
    expect((await as('beta-member', { method: 'GET', url: `/v1/ports?node=${others}` })).status).toBe(404);
  });

  it('answers a node of another project named in a body or query as each route answers one that does not exist', async () => {
    const missing = 'aaaaaaaa-0000-4000-8000-00000000abcd';
    const port = (await admin({ method: 'GET', url: `/v1/ports?node=${leased}` })).body.ports[0].uuid;
    const group = (await admin({ method: 'POST', url: '/v1/portgroups', payload: { node_uuid: leased } })).body.uuid;
    const calls = (node: string): Call[] => [
      { method: 'POST', url: '/v1/ports', payload: { node_uuid: node, address: '52:54:00:aa:00:0a' } },
      { method: 'POST', url: '/v1/portgroups', payload: { node_uuid: node } },
      { method: 'PATCH', url: `/v1/ports/${port}`, payload: [{ op: 'replace', path: '/node_uuid', value: node }] },
      { method: 'PATCH', url: `/v1/portgroups/${group}`, payload: [{ op: 'replace', path: '/node_uuid', value: node }] },
      { method: 'GET', url: `/v1/ports?node=${node}` },
      { method: 'GET', url: `/v1/portgroups?node=${node}` },
      { method: 'GET', url: `/v1/allocations?node=${node}` },
      { method: 'POST', url: '/v1/allocations', payload: { node } },
    ];
    // What the project is told of another project's node, and what the route itself tells of a missing one.
    const answer = async (token: string, c: Call, node: string) => {
      const r = await as(token, c);
      return `${c.method} ${c.url.split('?')[0]} ${r.status} ${r.status < 300 ? '' : fault(r.body).replace(node, 'N')}`;
    };
    for (const [i, c] of calls(others).entries()) expect(await answer('acme-manager', c, others)).toBe(await answer('sys-admin', calls(missing)[i]!, missing));
    expect((await admin({ method: 'DELETE', url: `/v1/portgroups/${group}` })).status).toBe(204);
  });

  it('ports and port groups are cut to its nodes', async () => {
    const mine = await as('beta-reader', { method: 'GET', url: '/v1/ports?fields=address' });
    expect(mine.body.ports.map((p: any) => p.address)).toEqual(['52:54:00:aa:00:01']);
    expect(names((await as('other-member', { method: 'GET', url: '/v1/ports/detail' })).body, 'ports')).toEqual([others]);
    expect((await as('sys-reader', { method: 'GET', url: '/v1/ports' })).body.ports).toHaveLength(2);
    const theirPort = (await admin({ method: 'GET', url: `/v1/ports?node=${others}` })).body.ports[0].uuid;
    expect((await as('acme-member', { method: 'GET', url: `/v1/ports/${theirPort}` })).status).toBe(404);
  });

  it("masks what only the owner may read from a lessee (Ironic's node_sanitize)", async () => {
    const lessee = (await as('beta-reader', { method: 'GET', url: `/v1/nodes/${leased}` })).body;
    expect(lessee.driver_info).toEqual({ content: '** Redacted - requires baremetal:node:get:driver_info permission. **' });
    expect(lessee.driver_internal_info.content).toContain('Redacted');
    const listed = (await as('beta-reader', { method: 'GET', url: '/v1/nodes/detail' })).body.nodes[0];
    expect(listed.driver_info.content).toContain('Redacted');
    const owner = (await as('acme-reader', { method: 'GET', url: `/v1/nodes/${leased}` })).body;
    expect(owner.driver_info).toEqual({ fake_note: 'bmc-1' });
    expect((await as('acme-reader', { method: 'GET', url: '/v1/nodes/detail' })).body.nodes[0].driver_info).toEqual({ fake_note: 'bmc-1' });
  });

  it("leaves the system's resources to the system", async () => {
    expect((await as('acme-manager', { method: 'GET', url: '/v1/chassis' })).status).toBe(403);
    expect((await as('acme-manager', { method: 'GET', url: '/v1/drivers' })).status).toBe(403);
    const create = await as('acme-manager', { method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', owner: 'acme' } });
    expect(create.status).toBe(403);
    expect(fault(create.body)).toContain('baremetal:node:create');
    expect((await as('acme-manager', { method: 'DELETE', url: `/v1/nodes/${leased}` })).status).toBe(403);
  });
});

describe('what a project may do', () => {
  it('a lessee changes neither owner nor driver_info, but may change extra', async () => {
    const owner = await patch('beta-manager', leased, [{ op: 'replace', path: '/owner', value: 'beta' }]);
    expect(owner.status).toBe(403);
    expect(fault(owner.body)).toContain('baremetal:node:update:owner');
    expect((await patch('beta-manager', leased, [{ op: 'add', path: '/driver_info/fake_note', value: 'x' }])).status).toBe(403);
    // A move writes the field it takes from too: the owner is not moved away.
    expect((await patch('beta-member', leased, [{ op: 'move', from: '/owner', path: '/extra/was' }])).status).toBe(403);
    expect((await patch('beta-member', leased, [{ op: 'add', path: '/extra/tag', value: 'beta' }])).status).toBe(200);
    expect((await admin({ method: 'GET', url: `/v1/nodes/${leased}` })).body).toMatchObject({ owner: 'acme', driver_info: { fake_note: 'bmc-1' }, extra: { tag: 'beta' } });
  });

  it('an owner does more: driver_info, lessee and the boot device, but not the owner', async () => {
    expect((await patch('acme-member', leased, [{ op: 'add', path: '/driver_info/fake_note', value: 'bmc-2' }])).status).toBe(200);
    expect((await patch('acme-member', leased, [{ op: 'replace', path: '/owner', value: 'beta' }])).status).toBe(403);
    expect((await as('acme-member', { method: 'PUT', url: `/v1/nodes/${leased}/management/boot_device`, payload: { boot_device: 'pxe' } })).status).toBe(403);
    expect((await as('acme-manager', { method: 'PUT', url: `/v1/nodes/${leased}/management/boot_device`, payload: { boot_device: 'pxe' } })).status).toBe(204);
    expect((await as('beta-manager', { method: 'PUT', url: `/v1/nodes/${leased}/management/boot_device`, payload: { boot_device: 'pxe' } })).status).toBe(403);
  });

  it('a reader cannot act, even on its own node', async () => {
    const power = await as('acme-reader', { method: 'PUT', url: `/v1/nodes/${leased}/states/power`, payload: { target: 'power on' } });
    expect(power.status).toBe(403);
    expect(fault(power.body)).toContain('the reader role of project acme');
    expect((await patch('beta-reader', leased, [{ op: 'add', path: '/extra/r', value: 1 }])).status).toBe(403);
  });

  it('ports: the owner admin (manager) creates them on its node, a lessee may not', async () => {
    const port = { method: 'POST' as const, url: '/v1/ports', payload: { node_uuid: leased, address: '52:54:00:aa:00:09' } };
    expect((await as('beta-manager', port)).status).toBe(403);
    expect((await as('acme-manager', { ...port, payload: { node_uuid: others, address: '52:54:00:aa:00:09' } })).status).toBe(404);
    const made = await as('acme-manager', port);
    expect(made.status).toBe(201);
    // Nor may it move its port to a node of another project (404: that node does not exist for it).
    const moved = await as('acme-manager', { method: 'PATCH', url: `/v1/ports/${made.body.uuid}`, payload: [{ op: 'replace', path: '/node_uuid', value: others }] });
    expect(moved.status).toBe(404);
    expect((await admin({ method: 'GET', url: `/v1/ports/${made.body.uuid}` })).body.node_uuid).toBe(leased);
    expect((await as('acme-manager', { method: 'DELETE', url: `/v1/ports/${made.body.uuid}` })).status).toBe(204);
  });

  it('a lessee (member) powers its node; deploys and undeploys it as a lessee admin (manager), as Ironic', async () => {
    expect((await as('beta-member', { method: 'PUT', url: `/v1/nodes/${leased}/states/power`, payload: { target: 'power on' } })).status).toBe(202);
    await adminWait(leased, (n) => n.power_state === 'power on' && n.reservation === null);
    for (const target of ['manage', 'provide']) {
      expect((await provision('acme-member', leased, target)).status).toBe(202);
      await adminWait(leased, (n) => n.provision_state === (target === 'manage' ? 'manageable' : 'available') && n.reservation === null);
    }
    const image = [
      { op: 'add', path: '/instance_info/image_source', value: 'http://images/img.raw' },
      { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM },
    ];
    expect((await patch('beta-member', leased, image)).status).toBe(403);
    expect((await patch('beta-manager', leased, image)).status).toBe(200);
    expect((await provision('beta-member', leased, 'active')).status).toBe(403);
    expect((await provision('beta-manager', leased, 'active')).status).toBe(202);
    await adminWait(leased, (n) => n.provision_state === 'active' && n.reservation === null);
    expect((await as('beta-manager', { method: 'POST', url: `/v1/nodes/${leased}/vifs`, payload: { id: 'aaaaaaaa-0000-4000-8000-0000000000b1' } })).status).toBe(204);
    expect((await as('beta-reader', { method: 'GET', url: `/v1/nodes/${leased}/vifs` })).body.vifs).toHaveLength(1);
    expect((await as('beta-manager', { method: 'DELETE', url: `/v1/nodes/${leased}/vifs/aaaaaaaa-0000-4000-8000-0000000000b1` })).status).toBe(204);
    expect((await provision('beta-manager', leased, 'deleted')).status).toBe(202);
    await adminWait(leased, (n) => n.provision_state === 'available' && n.reservation === null);
  });
});

describe('allocations are scoped by their owner', () => {
  it("a project creates its own, lists and reads only those; another project's are 404", async () => {
    const made = await as('other-member', { method: 'POST', url: '/v1/allocations', payload: { resource_class: 'rc-none', name: 'other-alloc' } });
    expect(made.status).toBe(201);
    expect(made.body.owner).toBe('other');
    expect((await as('other-member', { method: 'POST', url: '/v1/allocations', payload: { resource_class: 'rc-none', owner: 'acme' } })).status).toBe(403);
    expect((await as('other-member', { method: 'POST', url: '/v1/allocations', payload: { resource_class: 'rc-none', candidate_nodes: [leased] } })).status).toBe(400);
    expect((await as('other-member', { method: 'POST', url: '/v1/allocations', payload: { node: 'leased' } })).status).toBe(400);
    const sys = await admin({ method: 'POST', url: '/v1/allocations', payload: { resource_class: 'rc-none', name: 'sys-alloc' } });
    expect(sys.status).toBe(201);
    expect((await as('other-member', { method: 'GET', url: '/v1/allocations' })).body.allocations.map((a: any) => a.name)).toEqual(['other-alloc']);
    expect((await as('other-member', { method: 'GET', url: '/v1/allocations?owner=acme' })).status).toBe(403);
    // Before 1.60 (no ?owner yet) the answer is cut to its own; ?fields without uuid as well.
    const old = await h.call({ method: 'GET', url: '/v1/allocations', version: '1.59', headers: { authorization: 'Bearer other-member' } });
    expect(old.body.allocations.map((a: any) => a.name)).toEqual(['other-alloc']);
    expect((await as('other-member', { method: 'GET', url: '/v1/allocations?fields=name' })).body.allocations).toEqual([{ name: 'other-alloc', links: expect.any(Array) }]);
    expect((await as('acme-member', { method: 'GET', url: `/v1/allocations?node=${others}` })).status).toBe(400);
    expect((await as('acme-member', { method: 'GET', url: `/v1/allocations/${made.body.uuid}` })).status).toBe(404);
    expect((await as('acme-member', { method: 'DELETE', url: `/v1/allocations/${made.body.uuid}` })).status).toBe(404);
    expect((await as('sys-reader', { method: 'GET', url: '/v1/allocations' })).body.allocations).toHaveLength(2);
    expect((await as('other-member', { method: 'DELETE', url: `/v1/allocations/${made.body.uuid}` })).status).toBe(204);
  });
});

describe('system tokens as before', () => {
  it('a system reader reads everything and writes nothing; an admin writes', async () => {
    expect((await as('sys-reader', { method: 'GET', url: `/v1/nodes/${others}` })).body.driver_info).toEqual({ fake_note: 'bmc-1' });
    const w = await as('sys-reader', { method: 'PATCH', url: `/v1/nodes/${unowned}`, payload: [{ op: 'add', path: '/extra/a', value: 1 }] });
    expect(w.status).toBe(403);
    expect(fault(w.body)).toContain('the reader role may not PATCH');
    expect((await as('sys-reader', { method: 'GET', url: '/v1/chassis' })).status).toBe(200);
    expect((await patch('sys-admin', unowned, [{ op: 'replace', path: '/owner', value: 'acme' }])).status).toBe(200);
    expect(names((await as('acme-reader', { method: 'GET', url: '/v1/nodes' })).body)).toEqual(['leased', 'unowned']);
  });

  it('the console still loads and logs in with a system token', async () => {
    expect((await h.call({ method: 'GET', url: '/ui' })).status).toBe(200);
    expect((await as('sys-reader', { method: 'GET', url: '/v1/node-states' })).status).toBe(200);
    expect((await as('acme-member', { method: 'GET', url: '/v1/node-states' })).status).toBe(403);
  });
});

describe('the table', () => {
  it('names a rule for every route about nodes, ports, port groups and allocations', () => {
    const scoped = routes.filter((r) => /^(GET|POST|PUT|PATCH|DELETE) \/v1\/(nodes|ports|portgroups|allocations)(\/|$)/.test(r));
    expect(scoped.length).toBeGreaterThan(40);
    const vendor = (r: string) => r.includes('vendor_passthru'); // the system admin's (Ironic's default)
    expect(scoped.filter((r) => !vendor(r) && !POLICY[r])).toEqual([]);
    expect(ruleOf({ method: 'GET', routeOptions: { url: '/v1/chassis', config: {} } } as never).system).toBe('reader');
  });

  it('is what engine/http/README.md shows (node scripts/gen-policy-doc.mjs)', () => {
    const readme = readFileSync(new URL('../../engine/http/README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END) + END.length);
    expect(section, 'stale: run node scripts/gen-policy-doc.mjs').toBe(renderPolicyTable());
  });
});
