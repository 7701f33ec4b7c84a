import { describe, it, expect } from 'vitest';
import { plan, type Specs, type Records } from '../../engine/plan.js';
import { formatPlan } from '../../engine/plan-format.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { DeploymentRecord } from '../../engine/generated/deployment-record.js';
import { EngineError } from '../../engine/errors.js';

const SHA_A = `sha256:${'a'.repeat(64)}`;
const SHA_B = `sha256:${'b'.repeat(64)}`;
let seq = 0;
function rec(over: Partial<NodeRecord> & { name: string }): NodeRecord {
  seq++;
  return {
    uuid: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    driver: 'fake-hardware',
    driver_info: {},
    interfaces: { power: 'fake', management: 'fake', boot: 'fake', deploy: 'fake-agent', inspect: 'fake', vendor: 'fake' },
    properties: {},
    resource_class: null,
    traits: [],
    power_state: 'power off',
    target_power_state: null,
    provision_state: 'available',
    target_provision_state: null,
    maintenance: false,
    maintenance_reason: null,
    last_error: null,
    reservation: null,
    chassis_uuid: null,
    instance_uuid: null,
    instance_info: {},
    driver_internal_info: {},
    extra: {},
    managed: true,
    provision_deadline: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: null,
    provision_updated_at: null,
    version: 1,
    ...over,
  };
}
const empty: Records = { nodes: [], ports: [], deployments: [] };
const ops = (p: ReturnType<typeof plan>) => p.actions.map((a) => a.id);
const secret = () => new Set(['ipmi_password']);

describe('plan', () => {
  const cases: Array<{ name: string; specs: Specs; records: Records; expect: string[] }> = [
    {
      name: 'create: a new node is enrolled, given its ports, managed and provided',
      specs: { nodes: [{ name: 'n1', driver: 'fake-hardware', ports: [{ address: '52:54:00:AA:00:01' }] }], deployments: [] },
      records: empty,
      expect: ['node/n1/enroll', 'node/n1/add_port/52:54:00:aa:00:01', 'node/n1/manage', 'node/n1/provide'],
    },
    {
      name: 'create: a node meant to stay manageable is not provided',
      specs: { nodes: [{ name: 'n1', driver: 'fake-hardware', provision_state: 'manageable' }], deployments: [] },
      records: empty,
      expect: ['node/n1/enroll', 'node/n1/manage'],
    },
    {
      name: 'no-op: matching records need nothing',
      specs: { nodes: [{ name: 'n1', driver: 'fake-hardware', power_state: 'power off' }], deployments: [] },
      records: { nodes: [rec({ name: 'n1' })], ports: [], deployments: [] },
      expect: [],
    },
    {
      name: 'update: changed fields are one update action',
      specs: { nodes: [{ name: 'n1', driver: 'fake-hardware', resource_class: 'large', traits: ['CUSTOM_GPU'] }], deployments: [] },
      records: { nodes: [rec({ name: 'n1' })], ports: [], deployments: [] },
      expect: ['node/n1/update'],
    },
    {
      name: 'drift: the BMC reports power on, the spec wants it off',
      specs: { nodes: [{ name: 'n1', driver: 'fake-hardware', power_state: 'power off' }], deployments: [] },
      records: { nodes: [rec({ name: 'n1', power_state: 'power on' })], ports: [], deployments: [] },
      expect: ['node/n1/power_off'],
    },
    {
      name: 'delete: a managed node without a spec is deleted, an unmanaged one is left alone',
      specs: { nodes: [], deployments: [] },
      records: { nodes: [rec({ name: 'gone' }), rec({ name: 'imperative', managed: false })], ports: [], deployments: [] },
      expect: ['node/gone/delete'],
    },
    {
      name: 'ports: added and removed by MAC',
      specs: { nodes: [{ name: 'n1', driver: 'fake-hardware', ports: [{ address: '52:54:00:00:00:02' }] }], deployments: [] },
      records: {
        nodes: [rec({ name: 'n1', uuid: '00000000-0000-4000-8000-0000000000aa' })],
        ports: [{ uuid: '10000000-0000-4000-8000-000000000001', node_uuid: '00000000-0000-4000-8000-0000000000aa', address: '52:54:00:00:00:01', pxe_enabled: true, extra: {}, created_at: 'x', updated_at: null }],
        deployments: [],
      },
      expect: ['node/n1/add_port/52:54:00:00:00:02', 'node/n1/remove_port/52:54:00:00:00:01'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(ops(plan(c.specs, c.records, { secretFields: secret }))).toEqual(c.expect);
    });
  }

  it('order: a deployment waits for its node to be available; power comes last', () => {
    const p = plan(
      {
        nodes: [{ name: 'n1', driver: 'fake-hardware', resource_class: 'small', power_state: 'power on' }],
        deployments: [{ name: 'web', node: 'n1', image_source: 'http://img/x.raw', image_checksum: SHA_A }],
      },
      empty,
    );
    expect(ops(p)).toEqual(['node/n1/enroll', 'node/n1/manage', 'node/n1/provide', 'deployment/web/deploy', 'node/n1/power_on']);
    const deploy = p.actions.find((a) => a.op === 'deploy')!;
    expect(deploy.depends_on).toContain('node/n1/provide');
    expect(p.actions.find((a) => a.op === 'power_on')!.depends_on).toContain('deployment/web/deploy');
  });

  it('order: a deployment is undone before its node is deleted', () => {
    const node = rec({ name: 'old', provision_state: 'active', instance_uuid: '20000000-0000-4000-8000-000000000001' });
    const dep: DeploymentRecord = { uuid: '20000000-0000-4000-8000-000000000001', name: 'web', node_uuid: node.uuid, image_source: 'http://i', image_checksum: SHA_A, root_device: null, user_data: null, meta_data: null, created_at: 'x', updated_at: null };
    const p = plan({ nodes: [], deployments: [] }, { nodes: [node], ports: [], deployments: [dep] });
    expect(ops(p)).toEqual(['deployment/web/undeploy', 'node/old/delete']);
    expect(p.actions[1]!.depends_on).toEqual(['deployment/web/undeploy']);
  });

  it('a changed image rebuilds in place; a changed node replaces', () => {
    const n1 = rec({ name: 'n1', provision_state: 'active', instance_uuid: '20000000-0000-4000-8000-000000000002' });
    const n2 = rec({ name: 'n2' });
    const dep: DeploymentRecord = { uuid: '20000000-0000-4000-8000-000000000002', name: 'web', node_uuid: n1.uuid, image_source: 'http://i', image_checksum: SHA_A, root_device: null, user_data: null, meta_data: null, created_at: 'x', updated_at: null };
    const nodes = [{ name: 'n1', driver: 'fake-hardware' }, { name: 'n2', driver: 'fake-hardware' }];
    const rebuild = plan({ nodes, deployments: [{ name: 'web', node: 'n1', image_source: 'http://i2', image_checksum: SHA_B }] }, { nodes: [n1, n2], ports: [], deployments: [dep] });
    expect(ops(rebuild)).toEqual(['deployment/web/rebuild']);
    expect(rebuild.actions[0]!.reasons.map((r) => r.field)).toEqual(['image_source', 'image_checksum']);
    const replace = plan({ nodes, deployments: [{ name: 'web', node: 'n2', image_source: 'http://i', image_checksum: SHA_A }] }, { nodes: [n1, n2], ports: [], deployments: [dep] });
    expect(ops(replace)).toEqual(['deployment/web/undeploy', 'deployment/web/deploy']);
  });

  it('a failed deployment is retried; a deployment in progress is waited for', () => {
    const failed = rec({ name: 'n1', provision_state: 'deploy failed', instance_uuid: '20000000-0000-4000-8000-000000000003' });
    const dep: DeploymentRecord = { uuid: '20000000-0000-4000-8000-000000000003', name: 'web', node_uuid: failed.uuid, image_source: 'http://i', image_checksum: SHA_A, root_device: null, user_data: null, meta_data: null, created_at: 'x', updated_at: null };
    const specs: Specs = { nodes: [{ name: 'n1', driver: 'fake-hardware' }], deployments: [{ name: 'web', node: 'n1', image_source: 'http://i', image_checksum: SHA_A }] };
    expect(ops(plan(specs, { nodes: [failed], ports: [], deployments: [dep] }))).toEqual(['deployment/web/rebuild']);
    // Not "no changes": a one-shot apply that did nothing would exit, and an agent resumed in it with it.
    const busy = { ...failed, provision_state: 'wait call-back' as const };
    const waiting = plan(specs, { nodes: [busy], ports: [], deployments: [dep] });
    expect(ops(waiting)).toEqual(['deployment/web/deploy']);
    expect(waiting.actions[0]!.reasons[0]).toMatchObject({ field: 'provision_state', desired: 'active', recorded: 'wait call-back', note: expect.stringMatching(/in progress/) });
    expect(waiting.actions[0]!.params).toEqual({ node: busy.uuid });
  });

  it('after a crash: a node parked in clean wait is waited for, a failed cleaning is retried, and deployments by selector do not wait on parked nodes', () => {
    const parked = rec({ name: 'p1', resource_class: 'std', provision_state: 'clean wait', target_provision_state: 'available' });
    const failed = rec({ name: 'p2', resource_class: 'std', provision_state: 'clean failed' });
    const specs: Specs = {
      nodes: [{ name: 'p1', driver: 'fake-hardware', resource_class: 'std' }, { name: 'p2', driver: 'fake-hardware', resource_class: 'std' }],
      deployments: [{ name: 'web', node_selector: { resource_class: 'std' }, image_source: 'http://i', image_checksum: SHA_A }],
    };
    const p = plan(specs, { nodes: [parked, failed], ports: [], deployments: [] });
    expect(ops(p)).toEqual(['node/p1/provide', 'node/p2/manage', 'node/p2/provide', 'deployment/web/deploy']);
    expect(p.actions[0]!.reasons[0]).toMatchObject({ desired: 'available', recorded: 'clean wait', note: expect.stringMatching(/in progress/) });
    expect(p.actions.find((a) => a.op === 'deploy')!.depends_on).toEqual(['node/p2/provide']);
    // A record left pointing at a node another deployment has taken since is dropped, not undeployed.
    const other = rec({ name: 'p1', resource_class: 'std', provision_state: 'active', instance_uuid: '20000000-0000-4000-8000-000000000009' });
    const stale: DeploymentRecord = { uuid: '20000000-0000-4000-8000-000000000004', name: 'web', node_uuid: other.uuid, image_source: 'http://i', image_checksum: SHA_A, root_device: null, user_data: null, meta_data: null, created_at: 'x', updated_at: null };
    const moved = plan(specs, { nodes: [other, { ...failed, provision_state: 'available' }], ports: [], deployments: [stale] });
    expect(ops(moved)).toEqual(['deployment/web/forget', 'deployment/web/deploy']);
    // Meant to stay manageable: waited for, then made manageable.
    const manageable = plan({ nodes: [{ name: 'p1', driver: 'fake-hardware', resource_class: 'std', provision_state: 'manageable' }], deployments: [] }, { nodes: [parked], ports: [], deployments: [] });
    expect(ops(manageable)).toEqual(['node/p1/manage']);
  });

  it('secrets never appear in a plan', () => {
    const p = plan(
      { nodes: [{ name: 'n1', driver: 'fake-hardware', driver_info: { ipmi_password: 'hunter2', ipmi_address: '10.0.0.2' } }], deployments: [] },
      { nodes: [rec({ name: 'n1', driver_info: { ipmi_password: 'old-secret', ipmi_address: '10.0.0.1' } })], ports: [], deployments: [] },
      { secretFields: secret },
    );
    const text = JSON.stringify(p) + formatPlan(p);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('old-secret');
    expect(text).toContain('driver_info.ipmi_password');
    expect(text).toContain('10.0.0.2');
  });

  it('is pure: the same inputs give the same plan and digest', () => {
    const specs: Specs = { nodes: [{ name: 'n1', driver: 'fake-hardware' }], deployments: [] };
    expect(plan(specs, empty)).toEqual(plan(specs, empty));
    expect(plan(specs, empty).inputs_digest).not.toBe(plan({ nodes: [], deployments: [] }, empty).inputs_digest);
  });

  it('says so when there is nothing to do', () => {
    expect(formatPlan(plan({ nodes: [], deployments: [] }, empty))).toMatch(/^No changes/);
  });

  it('rejects a deployment naming a node nobody knows, naming the field', () => {
    try {
      plan({ nodes: [], deployments: [{ name: 'web', node: 'ghost', image_source: 'http://i', image_checksum: SHA_A }] }, empty);
      expect.fail('should throw');
    } catch (err) {
      expect((err as EngineError).field).toBe('deployments.web.node');
    }
  });
});
