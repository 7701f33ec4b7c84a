// The real `baremetal` CLI (python3-ironicclient, --os-baremetal-api-version latest) against ironplan for
// what API 1.38 to 1.51 add to nodes: the new fields in lists and filters, rescue and unrescue, protection,
// NMI and BIOS settings, as the client sends them.
import { describe, expect, it } from 'vitest';
import { useBaremetal, type Baremetal } from './baremetal-harness.js';

let cli: Baremetal;

useBaremetal((c) => (cli = c));

describe('baremetal nodes at the latest version', () => {
  it('negotiates 1.51 and lists nodes with the new fields, filtered by owner', async () => {
    // python-ironicclient 5.0.1 creates nodes without owner or description: they are set afterwards.
    await cli.ok('node', 'create', '--driver', 'fake-hardware', '--name', 'r1', '--deploy-interface', 'fake', '--automated-clean', '-f', 'json');
    await cli.ok('node', 'set', 'r1', '--owner', 'proj-a', '--description', 'rescue me');
    await cli.ok('node', 'create', '--driver', 'fake-hardware', '--name', 'r2');
    await cli.ok('node', 'set', 'r2', '--owner', 'proj-b');
    const listed = JSON.parse(await cli.ok('node', 'list', '--fields', 'name', 'owner', 'description', 'conductor', 'protected', 'fault', 'rescue_interface', 'automated_clean', '-f', 'json'));
    const r1 = listed.find((n: Record<string, unknown>) => n.Name === 'r1' || n.name === 'r1');
    expect(r1).toBeDefined();
    const values = JSON.stringify(r1);
    for (const v of ['proj-a', 'rescue me', '"fake"']) expect(values).toContain(v);
    const owned = await cli.ok('node', 'list', '--owner', 'proj-b', '-f', 'value', '-c', 'Name');
    expect(owned.trim()).toBe('r2');
    expect(await cli.value('node', 'show', 'r1', '-c', 'conductor')).not.toBe('None');
  }, 120_000);

  it('rescues and unrescues a deployed node, and protects it from undeploy', async () => {
    await cli.ok('node', 'manage', 'r1', '--wait', '60');
    await cli.ok('node', 'provide', 'r1', '--wait', '60');
    await cli.ok('node', 'deploy', 'r1', '--wait', '60');
    expect(await cli.value('node', 'show', 'r1', '-c', 'provision_state')).toBe('active');

    const noPassword = await cli.bm('node', 'rescue', 'r1');
    expect(noPassword.code).not.toBe(0);
    await cli.ok('node', 'rescue', 'r1', '--rescue-password', 'let-me-in', '--wait', '60');
    expect(await cli.value('node', 'show', 'r1', '-c', 'provision_state')).toBe('rescue');
    expect(await cli.ok('node', 'show', 'r1', '-f', 'json')).not.toContain('let-me-in');
    await cli.ok('node', 'unrescue', 'r1', '--wait', '60');
    expect(await cli.value('node', 'show', 'r1', '-c', 'provision_state')).toBe('active');

    await cli.ok('node', 'set', 'r1', '--protected', '--protected-reason', 'in use');
    const refused = await cli.bm('node', 'undeploy', 'r1');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('is protected');
    await cli.ok('node', 'unset', 'r1', '--protected');
    await cli.ok('node', 'undeploy', 'r1', '--wait', '60');
    expect(await cli.value('node', 'show', 'r1', '-c', 'provision_state')).toBe('available');
  }, 240_000);

  it('refuses an NMI to fake-hardware as Ironic does, and lists BIOS settings', async () => {
    // Ironic's fake management has no inject_nmi: 400 in its words (ipmi and redfish nodes take it).
    const nmi = await cli.bm('node', 'inject', 'nmi', 'r2');
    expect(nmi.code).not.toBe(0);
    expect(nmi.err).toContain('Driver fake-hardware does not support inject_nmi (disabled or not implemented).');
    expect((await cli.ok('node', 'bios', 'setting', 'list', 'r2', '-f', 'json')).trim()).toBe('[]');
  }, 60_000);
});
