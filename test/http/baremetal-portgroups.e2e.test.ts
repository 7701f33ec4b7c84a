// The real `baremetal` CLI's port group commands against ironplan (python-ironicclient negotiates its
// latest version down to ironplan's): create, list, show, set, member ports and delete. The CLI sends
// --property and --extra values as JSON where they parse (miimon=100 is the number 100).
import { describe, expect, it } from 'vitest';
import { useBaremetal, type Baremetal } from './baremetal-harness.js';

let cli: Baremetal;

useBaremetal((c) => (cli = c));

describe('baremetal port group', () => {
  it('creates, lists, shows, updates and deletes a port group; refuses to delete one with ports', async () => {
    const node = await cli.value('node', 'create', '--driver', 'fake-hardware', '--name', 'bonded', '-c', 'uuid');
    const created = JSON.parse(
      await cli.ok('port', 'group', 'create', '--node', node, '--address', '52:54:00:cc:00:01', '--name', 'bond0', '--mode', '802.3ad', '--property', 'miimon=100', '--extra', 'tor=a', '-f', 'json'),
    );
    expect(created).toMatchObject({ node_uuid: node, address: '52:54:00:cc:00:01', name: 'bond0', mode: '802.3ad', properties: { miimon: 100 }, extra: { tor: 'a' } });
    const uuid = created.uuid as string;

    expect(await cli.ok('port', 'group', 'list')).toContain('bond0');
    expect(await cli.ok('port', 'group', 'list', '--node', node, '--long')).toContain('802.3ad');
    expect(await cli.value('port', 'group', 'show', 'bond0', '-c', 'uuid')).toBe(uuid);
    expect(await cli.value('port', 'group', 'show', '--address', '52:54:00:cc:00:01', '-c', 'name')).toBe('bond0');

    await cli.ok('port', 'group', 'set', 'bond0', '--name', 'bond1', '--extra', 'row=7');
    expect(JSON.parse(await cli.ok('port', 'group', 'show', uuid, '-f', 'json'))).toMatchObject({ name: 'bond1', extra: { tor: 'a', row: 7 } });

    const port = await cli.value('port', 'create', '52:54:00:cc:00:02', '--node', node, '--port-group', uuid, '-c', 'uuid');
    expect(await cli.value('port', 'show', port, '-c', 'portgroup_uuid')).toBe(uuid);
    expect(await cli.ok('port', 'list', '--port-group', 'bond1')).toContain(port);

    const refused = await cli.bm('port', 'group', 'delete', uuid);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('contains ports');

    await cli.ok('port', 'delete', port);
    await cli.ok('port', 'group', 'delete', 'bond1');
    expect(await cli.ok('port', 'group', 'list')).not.toContain(uuid);
    const gone = await cli.bm('port', 'group', 'show', uuid);
    expect(gone.code).not.toBe(0);
    expect(gone.err).toContain('could not be found');
  }, 120_000);
});
