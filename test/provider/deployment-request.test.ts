// Planning a deployment against what its node recorded, without terraform: states written before the
// service recorded config drive digests are not rebuilt, a digest that differs is, and waits treat the
// failed states as settled.
import { describe, expect, it } from 'vitest';
import { configdriveDigest } from '../../engine/configdrive.js';
import type { IronicNode } from '../../provider/src/client.js';
import { conform } from '../../provider/src/cty.js';
import { busy } from '../../provider/src/nodeops.js';
import type { Ctx } from '../../provider/src/resource.js';
import { deploymentResource } from '../../provider/src/resources/deployment.js';
import { IMPORTED_USER_DATA, importedRequest, requestRecord } from '../../provider/src/resources/deployment-request.js';
import { UNKNOWN, type Obj } from '../../provider/src/values.js';

const SHA = `sha256:${'a'.repeat(64)}`;
const ctx = {} as Ctx;
const cfg = (o: Obj) => conform({ name: 'd', node: 'n1', image_source: 'http://i/x.raw', image_checksum: SHA, user_data: 'hello', ...o }, deploymentResource.block) as Obj;
const state = (o: Obj) => conform({ ...cfg({}), id: 'i1', state: 'deployed', node_uuid: 'u1', provision_state: 'active', deployed_at: 't', last_error: null, ...o }, deploymentResource.block) as Obj;
const digest = (userData: string | null, metaData: Record<string, string> = {}) => configdriveDigest({ user_data: userData, meta_data: metaData });
const plan = async (config: Obj, prior: Obj | null) => deploymentResource.plan(ctx, prior, config);

describe('deployment plan and the recorded config drive digest', () => {
  it('plans the digest of the configured user data on create', async () => {
    expect((await plan(cfg({}), null)).planned.configdrive_sha256).toBe(digest('hello'));
    expect((await plan(cfg({ user_data: null }), null)).planned.configdrive_sha256).toBeNull();
    expect((await plan(cfg({ user_data: UNKNOWN }), null)).planned.configdrive_sha256).toBe(UNKNOWN);
  });
  it('does not rebuild a deployment whose node recorded no digest (deployed before digests were recorded)', async () => {
    const { planned } = await plan(cfg({}), state({ configdrive_sha256: null }));
    expect(planned).toMatchObject({ provision_state: 'active', configdrive_sha256: null });
  });
  it('rebuilds when the node recorded another digest (drift), with the configured user data', async () => {
    const { planned, requiresReplace } = await plan(cfg({}), state({ configdrive_sha256: digest('someone else') }));
    expect(requiresReplace).toEqual([]);
    expect(planned).toMatchObject({ user_data: 'hello', configdrive_sha256: digest('hello'), provision_state: UNKNOWN, node_uuid: 'u1' });
  });
  it('keeps an import\'s stand-ins while the configured user data digests alike', async () => {
    const prior = state({ user_data: IMPORTED_USER_DATA, meta_data: {}, configdrive_sha256: digest('hello', { role: 'web' }) });
    const same = await plan(cfg({ meta_data: { role: 'web' } }), prior);
    expect(same.planned).toMatchObject({ user_data: IMPORTED_USER_DATA, meta_data: {}, provision_state: 'active' });
    const other = await plan(cfg({ meta_data: { role: 'db' } }), prior);
    expect(other.planned).toMatchObject({ user_data: 'hello', meta_data: { role: 'db' }, provision_state: UNKNOWN });
  });
});

describe('the request recorded on the node', () => {
  const node = (info: Record<string, unknown>): IronicNode => ({ uuid: 'u1', name: 'n1', instance_info: info }) as unknown as IronicNode;
  it('restores the placement and the user data fields as configured', () => {
    const rec = requestRecord(cfg({ node: null, node_selector: { resource_class: 'rc', traits: ['CUSTOM_B', 'CUSTOM_A'] }, meta_data: { a: '1' } }));
    expect(rec).toEqual({ node_selector: { resource_class: 'rc', traits: ['CUSTOM_A', 'CUSTOM_B'] }, configdrive_fields: ['user_data', 'meta_data'] });
    expect(importedRequest(node({ requested: rec, configdrive_sha256: digest('x') }))).toEqual({
      node: null,
      node_selector: { resource_class: 'rc', traits: ['CUSTOM_A', 'CUSTOM_B'] },
      user_data: IMPORTED_USER_DATA,
      meta_data: {},
      configdrive_sha256: digest('x'),
    });
  });
  it('names the node as configured unless it was renamed since, and claims no user data without a digest', () => {
    expect(importedRequest(node({ requested: { node: 'u1', configdrive_fields: [] } })).node).toBe('u1');
    expect(importedRequest(node({ requested: { node: 'old-name', configdrive_fields: ['user_data'] } }))).toMatchObject({ node: 'n1', user_data: null });
  });
});

describe('waits', () => {
  const n = (provision_state: string, target_provision_state: string | null) => ({ provision_state, target_provision_state }) as IronicNode;
  it('treat a failed node as settled although it keeps its target', () => {
    expect(busy(n('deploy failed', 'active'))).toBe(false);
    expect(busy(n('inspect failed', 'manageable'))).toBe(false);
    expect(busy(n('wait call-back', 'active'))).toBe(true);
    expect(busy(n('active', null))).toBe(false);
  });
});
