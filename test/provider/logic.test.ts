// Unit tests of the provider's logic without terraform: validation against the spec schemas, planning a
// deployment, the codec leaving its descriptor alone, and the client's waits.
import { describe, expect, it } from 'vitest';
import descriptor from '../../provider/src/generated/descriptor.json' with { type: 'json' };
import { IronicClient } from '../../provider/src/client.js';
import { conform } from '../../provider/src/cty.js';
import { Codec, type Descriptor } from '../../provider/src/protobuf.js';
import { deploymentResource } from '../../provider/src/resources/deployment.js';
import { nodeResource } from '../../provider/src/resources/node.js';
import { portResource } from '../../provider/src/resources/port.js';
import type { Ctx } from '../../provider/src/resource.js';
import { UNKNOWN, type Obj } from '../../provider/src/values.js';

const SHA = `sha256:${'a'.repeat(64)}`;
const SHA2 = `sha256:${'b'.repeat(64)}`;

describe('validation against the spec schemas', () => {
  const node = (extra: Obj) => nodeResource.validate(conform({ name: 'n1', driver: 'fake-hardware', ...extra }, nodeResource.block) as Obj);
  it('checks map(string) values as converted by the schema, at their key', () => {
    const d = node({ properties: { cpus: '0', memory_mb: 'lots', cpu_arch: 'x86_64' } });
    expect(d.map((x) => [x.detail, x.path])).toEqual([
      ['must be at least 1.', ['properties', { key: 'cpus' }]],
      ['"lots" is not an integer', ['properties', { key: 'memory_mb' }]],
    ]);
  });
  it('checks driver_info by the driver schemas and keeps secrets out of it', () => {
    const d = node({ driver_info: { ipmi_port: '70000', ipmi_password: 'x' }, driver_secrets: { ipmi_username: 'admin' } });
    expect(d.map((x) => [x.severity, x.summary, x.path])).toEqual(
      expect.arrayContaining([
        ['error', 'Secret in driver_info', ['driver_info', { key: 'ipmi_password' }]],
        ['warning', 'Not a secret', ['driver_secrets', { key: 'ipmi_username' }]],
        ['error', 'Invalid attribute value', ['driver_info', { key: 'ipmi_port' }]],
      ]),
    );
    expect(d).toHaveLength(3);
  });
  it('reports enum, pattern and nested values at their attribute; free-form maps are not checked', () => {
    expect(node({ power_state: 'half on', extra: { a: 'anything' } }).map((x) => x.path)).toEqual([['power_state']]);
    expect(node({ ports: [{ address: 'nope' }] }).map((x) => x.path)).toEqual([['ports', 0, 'address']]);
    expect(portResource.validate(conform({ node_uuid: 'u', address: '52:54:00:12:34:56', extra: { k: 'v' } }, portResource.block) as Obj)).toEqual([]);
    const dep = deploymentResource.validate(conform({ name: 'd', node: 'n1', image_source: 'ftp://x', image_checksum: SHA, meta_data: { role: 'web' } }, deploymentResource.block) as Obj);
    expect(dep.map((x) => x.path)).toEqual([['image_source']]);
  });
});

describe('write-only driver secrets', () => {
  const cfg = (extra: Obj) => conform({ name: 'n1', driver: 'fake-hardware', ...extra }, nodeResource.block) as Obj;
  const wo = { driver_secrets_wo: { ipmi_password: 'pw' }, driver_secrets_wo_version: 1 };
  it('are refused, with how to fix it, by a terraform without write-only attributes (< 1.11)', () => {
    const d = nodeResource.validate(cfg(wo), { writeOnlyAttributesAllowed: false });
    expect(d.map((x) => [x.severity, x.path])).toEqual([['error', ['driver_secrets_wo']]]);
    expect(d[0]!.detail).toMatch(/Terraform >= 1\.11.*driver_secrets/);
    expect(nodeResource.validate(cfg(wo), { writeOnlyAttributesAllowed: true })).toEqual([]);
    expect(nodeResource.validate(cfg({ driver_secrets: { ipmi_password: 'pw' } }), { writeOnlyAttributesAllowed: false })).toEqual([]);
  });
  it('may not repeat a driver_secrets key', () => {
    const d = nodeResource.validate(cfg({ ...wo, driver_secrets: { ipmi_password: 'pw' } }), { writeOnlyAttributesAllowed: true });
    expect(d.map((x) => [x.summary, x.path])).toEqual([['Secret given twice', ['driver_secrets_wo', { key: 'ipmi_password' }]]]);
  });
  it('are null in the plan, which keeps their version', async () => {
    const { planned } = await nodeResource.plan({} as Ctx, null, cfg(wo));
    expect(planned.driver_secrets_wo).toBeNull();
    expect(planned.driver_secrets_wo_version).toBe(1);
    expect(nodeResource.block.attributes.find((a) => a.name === 'driver_secrets_wo')).toMatchObject({ writeOnly: true, sensitive: true, optional: true });
  });
});

describe('deployment plan', () => {
  const ctx = {} as Ctx;
  const cfg = (o: Obj) => conform({ name: 'd', node: 'n1', image_source: 'http://i/x.raw', image_checksum: SHA, ...o }, deploymentResource.block) as Obj;
  const prior = conform({ ...cfg({}), id: 'i1', state: 'deployed', node_uuid: 'u1', provision_state: 'active', deployed_at: 't', last_error: null }, deploymentResource.block) as Obj;
  const plan = async (config: Obj, p: Obj | null) => deploymentResource.plan(ctx, p, config);
  it('knows nothing of the node on create, and that there is none when absent', async () => {
    expect((await plan(cfg({}), null)).planned).toMatchObject({ node_uuid: UNKNOWN, provision_state: UNKNOWN });
    expect((await plan(cfg({ state: 'absent' }), null)).planned).toMatchObject({ node_uuid: null, provision_state: null, deployed_at: null, last_error: null });
  });
  it('keeps the node across a rebuild, and forgets it when undeployed', async () => {
    const rebuild = await plan(cfg({ image_checksum: SHA2 }), prior);
    expect(rebuild.planned).toMatchObject({ node_uuid: 'u1', provision_state: UNKNOWN, deployed_at: UNKNOWN, last_error: UNKNOWN });
    expect(rebuild.requiresReplace).toEqual([]);
    expect((await plan(cfg({ state: 'absent' }), prior)).planned).toMatchObject({ node_uuid: null, provision_state: null, deployed_at: null });
    expect((await plan(cfg({}), prior)).planned).toMatchObject({ node_uuid: 'u1', provision_state: 'active', deployed_at: 't' });
  });
  it('replaces the deployment when its node changes', async () => {
    expect((await plan(cfg({ node: 'n2' }), prior)).requiresReplace).toEqual([['node']]);
  });
});

describe('protobuf codec', () => {
  it('leaves the descriptor it reads as it was (map entries are its own)', () => {
    const d = structuredClone(descriptor) as unknown as Descriptor;
    const codec = new Codec(d);
    const buf = codec.encode('tfplugin6.GetProviderSchema.Response', { resource_schemas: { x: { version: 1 } } });
    expect((codec.decode('tfplugin6.GetProviderSchema.Response', buf) as { resource_schemas: Record<string, { version: number }> }).resource_schemas.x!.version).toBe(1);
    expect(d).toEqual(descriptor);
  });
});

describe('client waits', () => {
  it('leave no abort listener behind on the shared signal', async () => {
    const stop = new AbortController();
    const c = new IronicClient({ endpoint: 'http://127.0.0.1:1', requestTimeoutMs: 1000, log: () => {}, signal: stop.signal });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 20; i++) await c.sleep(0);
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
  it('end when terraform stops the provider', async () => {
    const stop = new AbortController();
    const c = new IronicClient({ endpoint: 'http://127.0.0.1:1', requestTimeoutMs: 1000, log: () => {}, signal: stop.signal });
    const waiting = c.sleep(60_000);
    stop.abort();
    await expect(waiting).rejects.toThrow('stopped by terraform');
  });
});
