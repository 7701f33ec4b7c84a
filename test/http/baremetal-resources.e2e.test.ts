// The real `baremetal` CLI's allocation, conductor, deploy template and volume commands against ironplan: what
// python-ironicclient sends for each is what Ironic answers, so these are the compatibility checks.
import { describe, expect, it } from 'vitest';
import { useBaremetal, type Baremetal } from './baremetal-harness.js';

let cli: Baremetal;

useBaremetal((c) => (cli = c));

describe('baremetal allocation, deploy template and volume', () => {
  it('allocates a node, lists, shows and deletes the allocation', async () => {
    // Created available (API 1.10, as Ironic creates it then), given a resource class, powered off.
    const node = JSON.parse(await cli.ok('--os-baremetal-api-version', '1.10', 'node', 'create', '--driver', 'fake-hardware', '--name', 'bm-alloc', '-f', 'json'));
    await cli.ok('node', 'set', 'bm-alloc', '--resource-class', 'bm-pool');
    await cli.ok('node', 'power', 'off', 'bm-alloc');
    const a = JSON.parse(await cli.ok('allocation', 'create', '--resource-class', 'bm-pool', '--name', 'bm-a1', '--wait', '-f', 'json'));
    expect(a).toMatchObject({ name: 'bm-a1', state: 'active', node_uuid: node.uuid, resource_class: 'bm-pool' });
    expect(await cli.ok('allocation', 'list')).toContain('bm-a1');
    expect(await cli.value('allocation', 'show', 'bm-a1', '-c', 'node_uuid')).toBe(node.uuid);
    expect(await cli.value('node', 'show', 'bm-alloc', '-c', 'allocation_uuid')).toBe(a.uuid);
    const none = await cli.bm('allocation', 'create', '--resource-class', 'bm-none', '--wait');
    expect(none.code).not.toBe(0);
    expect(none.err).toContain('no available nodes match the resource class bm-none');
    await cli.ok('allocation', 'delete', 'bm-a1');
    expect(await cli.ok('allocation', 'list')).not.toContain('bm-a1');
    expect(await cli.value('node', 'show', 'bm-alloc', '-c', 'instance_uuid')).toBe('None');
  }, 180_000);

  it('lists and shows the conductors (the managers), and a node names its own', async () => {
    const list = JSON.parse(await cli.ok('conductor', 'list', '-f', 'json')) as Array<{ Hostname: string; Alive: boolean }>;
    expect(list.length).toBe(1);
    expect(list[0]!.Alive).toBe(true);
    const host = list[0]!.Hostname;
    const shown = JSON.parse(await cli.ok('conductor', 'show', host, '-f', 'json'));
    expect(shown).toMatchObject({ hostname: host, alive: true });
    expect(shown.drivers).toContain('fake-hardware');
    await cli.ok('node', 'create', '--driver', 'fake-hardware', '--name', 'bm-cond');
    expect(await cli.value('node', 'show', 'bm-cond', '-c', 'conductor')).toBe(host);
    const unknown = await cli.bm('conductor', 'show', 'no-such-host');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('Conductor no-such-host could not be found. (HTTP 404)');
  }, 120_000);

  it('creates and lists deploy templates', async () => {
    const steps = JSON.stringify([{ interface: 'bios', step: 'apply_configuration', args: { settings: [] }, priority: 150 }]);
    const t = JSON.parse(await cli.ok('deploy', 'template', 'create', 'CUSTOM_BM_TUNED', '--steps', steps, '-f', 'json'));
    expect(t).toMatchObject({ name: 'CUSTOM_BM_TUNED', steps: [{ interface: 'bios', step: 'apply_configuration', priority: 150 }] });
    expect(await cli.ok('deploy', 'template', 'list')).toContain('CUSTOM_BM_TUNED');
    const bad = await cli.bm('deploy', 'template', 'create', 'NOT_CUSTOM', '--steps', steps);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('name: must match pattern "^CUSTOM_[A-Z0-9_]+$" (HTTP 400)');
  }, 120_000);

  it('creates and lists volume connectors and targets', async () => {
    // --node takes a UUID, as Ironic validates node_uuid (a name is a 400 there too).
    const node = await cli.value('node', 'create', '--driver', 'fake-hardware', '--name', 'bm-vol', '-c', 'uuid');
    const byName = await cli.bm('volume', 'connector', 'create', '--node', 'bm-vol', '--type', 'iqn', '--connector-id', 'iqn.2024-01.org.example:x');
    expect(byName.code).not.toBe(0);
    expect(byName.err).toContain('node_uuid');
    const c = JSON.parse(await cli.ok('volume', 'connector', 'create', '--node', node, '--type', 'iqn', '--connector-id', 'iqn.2024-01.org.example:bm', '-f', 'json'));
    expect(c).toMatchObject({ type: 'iqn', connector_id: 'iqn.2024-01.org.example:bm' });
    expect(await cli.ok('volume', 'connector', 'list')).toContain('iqn.2024-01.org.example:bm');
    expect(await cli.ok('volume', 'connector', 'list', '--node', 'bm-vol')).toContain(c.uuid);
    const t = JSON.parse(await cli.ok('volume', 'target', 'create', '--node', node, '--type', 'iscsi', '--boot-index', '0', '--volume-id', 'bm-vol-1', '-f', 'json'));
    expect(t).toMatchObject({ volume_type: 'iscsi', boot_index: 0, volume_id: 'bm-vol-1' });
    expect(await cli.ok('volume', 'target', 'list')).toContain('bm-vol-1');
    const dup = await cli.bm('volume', 'target', 'create', '--node', node, '--type', 'iscsi', '--boot-index', '0', '--volume-id', 'bm-vol-2');
    expect(dup.code).not.toBe(0);
    expect(dup.err).toContain("boot index '0'");
  }, 120_000);
});
