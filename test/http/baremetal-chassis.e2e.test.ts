// The real `baremetal` CLI's chassis commands against ironplan, and the CLI at an old microversion: what
// python-ironicclient sends for each is what Ironic answers, so these are the compatibility checks.
import { describe, expect, it } from 'vitest';
import { useBaremetal, type Baremetal } from './baremetal-harness.js';

let cli: Baremetal;

useBaremetal((c) => (cli = c));

describe('baremetal chassis', () => {
  it('creates, lists, shows, updates and deletes a chassis; refuses to delete one holding nodes', async () => {
    const created = JSON.parse(await cli.ok('chassis', 'create', '--description', 'rack 1', '--extra', 'room=a', '-f', 'json'));
    expect(created).toMatchObject({ description: 'rack 1', extra: { room: 'a' } });
    const uuid = created.uuid as string;

    expect(await cli.ok('chassis', 'list')).toContain(uuid);
    expect(await cli.ok('chassis', 'list', '--long')).toContain('room');
    expect(await cli.value('chassis', 'show', uuid, '-c', 'description')).toBe('rack 1');

    await cli.ok('chassis', 'set', uuid, '--description', 'rack 2', '--extra', 'row=r7');
    await cli.ok('chassis', 'unset', uuid, '--extra', 'room');
    const shown = JSON.parse(await cli.ok('chassis', 'show', uuid, '-f', 'json'));
    expect(shown).toMatchObject({ uuid, description: 'rack 2', extra: { row: 'r7' } });

    await cli.ok('node', 'create', '--driver', 'fake-hardware', '--name', 'in-rack', '--chassis-uuid', uuid);
    expect(await cli.value('node', 'show', 'in-rack', '-c', 'chassis_uuid')).toBe(uuid);
    expect(await cli.ok('node', 'list', '--chassis', uuid)).toContain('in-rack');

    const refused = await cli.bm('chassis', 'delete', uuid);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('contains nodes');

    await cli.ok('node', 'delete', 'in-rack');
    await cli.ok('chassis', 'delete', uuid);
    expect(await cli.ok('chassis', 'list')).not.toContain(uuid);
    const gone = await cli.bm('chassis', 'show', uuid);
    expect(gone.code).not.toBe(0);
    expect(gone.err).toContain('could not be found');
  }, 120_000);
});

describe('the CLI at an old microversion', () => {
  it('creates nodes available below 1.11 and in enroll from 1.11', async () => {
    const old = JSON.parse(await cli.ok('--os-baremetal-api-version', '1.10', 'node', 'create', '--driver', 'fake-hardware', '--name', 'old-api', '-f', 'json'));
    expect(old.provision_state).toBe('available');
    // Fields of later versions are not shown to a 1.10 client.
    expect(old.resource_class).toBeUndefined();
    expect(old.deploy_interface).toBeUndefined();
    const current = JSON.parse(await cli.ok('--os-baremetal-api-version', '1.11', 'node', 'create', '--driver', 'fake-hardware', '--name', 'new-api', '-f', 'json'));
    expect(current.provision_state).toBe('enroll');
  }, 60_000);
});
