// Deploy templates (API 1.55): CRUD as Ironic validates it, and a deploy whose instance_info.traits name a
// template records its steps (ironplan's deploy interfaces run them as no-ops) in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, waitFor, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

const STEP = { interface: 'deploy', step: 'write_image', args: { force: true }, priority: 90 };
const create = (payload: unknown, version = 'latest') => h.call({ method: 'POST', url: '/v1/deploy_templates', payload: payload as object, version });

describe('deploy templates', () => {
  it('creates, lists, shows, patches and deletes', async () => {
    const r = await create({ name: 'CUSTOM_RAID1', steps: [STEP, { interface: 'raid', step: 'apply_configuration', args: { password: 'x' }, priority: '10' }], extra: { a: 'b' } });
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe(`http://localhost:80/v1/deploy_templates/${r.body.uuid}`);
    expect(r.body).toMatchObject({ name: 'CUSTOM_RAID1', extra: { a: 'b' } });
    // A numeric string priority is a number; an argument named like a secret is masked.
    expect(r.body.steps).toEqual([STEP, { interface: 'raid', step: 'apply_configuration', args: { password: '******' }, priority: 10 }]);
    const list = await h.call({ method: 'GET', url: '/v1/deploy_templates' });
    expect(list.body.deploy_templates).toEqual([{ uuid: r.body.uuid, name: 'CUSTOM_RAID1', links: expect.any(Array) }]);
    expect((await h.call({ method: 'GET', url: '/v1/deploy_templates/detail' })).body.deploy_templates[0].steps).toHaveLength(2);
    expect((await h.call({ method: 'GET', url: '/v1/deploy_templates?fields=name,steps' })).body.deploy_templates[0]).toEqual({ name: 'CUSTOM_RAID1', steps: r.body.steps, links: expect.any(Array) });
    expect((await h.call({ method: 'GET', url: '/v1/deploy_templates/CUSTOM_RAID1' })).body.uuid).toBe(r.body.uuid);
    const p = await h.call({ method: 'PATCH', url: '/v1/deploy_templates/CUSTOM_RAID1', payload: [{ op: 'replace', path: '/name', value: 'CUSTOM_RAID10' }, { op: 'remove', path: '/steps/1' }] });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ name: 'CUSTOM_RAID10', steps: [STEP] });
    expect((await h.call({ method: 'PATCH', url: '/v1/deploy_templates/CUSTOM_RAID10', payload: [{ op: 'remove', path: '/steps/0' }] })).status).toBe(400);
    expect((await h.call({ method: 'PATCH', url: '/v1/deploy_templates/CUSTOM_RAID10', payload: [{ op: 'replace', path: '/uuid', value: r.body.uuid }] })).status).toBe(400);
    expect((await h.call({ method: 'DELETE', url: `/v1/deploy_templates/${r.body.uuid}` })).status).toBe(204);
    expect((await h.call({ method: 'GET', url: '/v1/deploy_templates/CUSTOM_RAID10' })).status).toBe(404);
  });

  it('refuses what Ironic refuses, naming the field, and nothing is written', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: 'RAID1', steps: [STEP] }, 'name'],
      [{ name: 'CUSTOM_lower', steps: [STEP] }, 'name'],
      [{ name: 'CUSTOM_A', steps: [] }, 'steps'],
      [{ name: 'CUSTOM_A' }, 'steps'],
      [{ name: 'CUSTOM_A', steps: [{ ...STEP, interface: 'network' }] }, 'interface'],
      [{ name: 'CUSTOM_A', steps: [{ ...STEP, priority: -1 }] }, 'priority'],
      [{ name: 'CUSTOM_A', steps: [{ interface: 'deploy', step: 'x', priority: 1 }] }, 'args'],
      [{ name: 'CUSTOM_A', steps: [STEP, { ...STEP, priority: 1 }] }, 'Duplicate deploy steps'],
      [{ name: 'CUSTOM_A', steps: [STEP], owner: 'x' }, 'owner'],
    ];
    for (const [body, field] of cases) {
      const r = await create(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(fault(r.body), JSON.stringify(body)).toContain(field);
    }
    expect((await h.call({ method: 'GET', url: '/v1/deploy_templates' })).body.deploy_templates).toEqual([]);
    expect((await create({ name: 'CUSTOM_DUP', steps: [STEP] })).status).toBe(201);
    expect((await create({ name: 'CUSTOM_DUP', steps: [STEP] })).status).toBe(409);
  });

  it('is 404 (GET) or 405 before 1.55', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/deploy_templates', version: '1.54' })).status).toBe(404);
    expect((await create({ name: 'CUSTOM_OLD', steps: [STEP] }, '1.54')).status).toBe(405);
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.55' })).body.deploy_templates).toBeDefined();
  });

  it('a deploy asking for a template trait records its steps, in order, as no-op events', async () => {
    await create({ name: 'CUSTOM_TUNED', steps: [{ interface: 'bios', step: 'apply_configuration', args: { settings: [] }, priority: 50 }, { interface: 'power', step: 'cycle', args: {}, priority: 50 }, { interface: 'deploy', step: 'off', args: {}, priority: 0 }] });
    const n = await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'tpl-node' }, version: '1.10' });
    const uuid = n.body.uuid as string;
    await h.call({ method: 'PATCH', url: `/v1/nodes/${uuid}`, payload: [{ op: 'replace', path: '/deploy_interface', value: 'fake' }, { op: 'add', path: '/instance_info/traits', value: ['CUSTOM_TUNED'] }] });
    // A trait the node does not have: the deploy fails, as Ironic's validate_instance_info_traits.
    expect((await h.call({ method: 'PUT', url: `/v1/nodes/${uuid}/states/provision`, payload: { target: 'active' } })).status).toBe(202);
    const failed = await waitFor(h, uuid, (x) => x.provision_state === 'deploy failed' && x.reservation === null);
    expect(failed.last_error).toContain('Cannot specify instance traits that are not also node traits');
    await h.call({ method: 'PUT', url: `/v1/nodes/${uuid}/traits`, payload: { traits: ['CUSTOM_TUNED'] } });
    expect((await h.call({ method: 'PUT', url: `/v1/nodes/${uuid}/states/provision`, payload: { target: 'active' } })).status).toBe(202);
    const active = await waitFor(h, uuid, (x) => x.provision_state === 'active' && x.reservation === null);
    // Equal priorities: power before bios (Ironic's interface order); priority 0 is disabled.
    expect(active.driver_internal_info.deploy_steps.map((s: any) => `${s.interface}.${s.step}`)).toEqual(['power.cycle', 'bios.apply_configuration']);
    const events = (await h.call({ method: 'GET', url: `/v1/events/stream?format=json&node=${uuid}` })).body.events.filter((e: any) => e.verb === 'deploy-step');
    expect(events.map((e: any) => e.data.step)).toEqual(['cycle', 'apply_configuration']);
    expect(events[0].reason).toContain('a no-op');
  });
});
