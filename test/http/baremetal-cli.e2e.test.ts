// The real `baremetal` CLI (python3-ironicclient) against ironplan: the Ironic v1 compatibility test that
// matters. How the service is started and the CLI run: baremetal-harness.ts (a missing CLI FAILS the suite).
import { describe, expect, it } from 'vitest';
import { CHECKSUM } from './helpers.js';
import { useBaremetal, type Baremetal } from './baremetal-harness.js';

let cli: Baremetal;
const bm = (...args: string[]) => cli.bm(...args);
const ok = (...args: string[]) => cli.ok(...args);
const value = (...args: string[]) => cli.value(...args);

useBaremetal((c) => (cli = c));

describe('the baremetal CLI against ironplan', () => {
  it('drives a node from enrollment through deploy, undeploy and deletion', async () => {
    const created = await ok('node', 'create', '--driver', 'fake-hardware', '--name', 'cli-1', '--driver-info', 'fake_agent_delay_ms=5', '--property', 'cpus=4', '--resource-class', 'baremetal', '-f', 'json');
    const node = JSON.parse(created);
    expect(node).toMatchObject({ name: 'cli-1', provision_state: 'enroll', driver: 'fake-hardware', deploy_interface: 'fake-agent' });

    expect(await ok('node', 'list')).toContain('cli-1');
    expect(await value('node', 'show', 'cli-1', '-c', 'resource_class')).toBe('baremetal');

    await ok('node', 'set', 'cli-1', '--property', 'memory_mb=2048', '--extra', 'team=infra');
    await ok('node', 'unset', 'cli-1', '--extra', 'team');
    const shown = JSON.parse(await ok('node', 'show', 'cli-1', '-f', 'json'));
    expect(shown.properties).toEqual({ cpus: 4, memory_mb: 2048 });
    expect(shown.extra).toEqual({});

    await ok('node', 'manage', 'cli-1', '--wait', '60');
    await ok('node', 'provide', 'cli-1', '--wait', '60');
    expect(await value('node', 'show', 'cli-1', '-c', 'provision_state')).toBe('available');

    await ok('port', 'create', '52:54:00:c1:00:01', '--node', node.uuid);
    expect(await ok('port', 'list')).toContain('52:54:00:c1:00:01');
    expect(await ok('port', 'list', '--node', 'cli-1')).toContain('52:54:00:c1:00:01');

    await ok('node', 'set', 'cli-1', '--instance-info', 'image_source=http://images.example/img.raw', '--instance-info', `image_checksum=${CHECKSUM}`);
    await ok('node', 'deploy', 'cli-1', '--wait', '120');
    expect(await value('node', 'show', 'cli-1', '-c', 'provision_state')).toBe('active');
    expect(await value('node', 'show', 'cli-1', '-c', 'power_state')).toBe('power on');

    await ok('node', 'power', 'off', 'cli-1');
    await waitFor(async () => (await value('node', 'show', 'cli-1', '-c', 'power_state')) === 'power off');
    await ok('node', 'power', 'on', 'cli-1');
    await waitFor(async () => (await value('node', 'show', 'cli-1', '-c', 'power_state')) === 'power on');

    await ok('node', 'boot', 'device', 'set', 'cli-1', 'pxe', '--persistent');
    expect(await ok('node', 'boot', 'device', 'show', 'cli-1')).toMatch(/boot_device\s*\|\s*pxe/);
    expect(await ok('node', 'boot', 'device', 'show', 'cli-1', '--supported')).toContain('disk');

    const validate = await ok('node', 'validate', 'cli-1', '-f', 'json');
    expect(JSON.parse(validate).find((r: any) => r.Interface === 'power').Result).toBe(true);

    await ok('node', 'undeploy', 'cli-1', '--wait', '120');
    expect(await value('node', 'show', 'cli-1', '-c', 'provision_state')).toBe('available');

    // Manual cleaning: the step ironplan offers runs; one it does not is refused, naming it.
    await ok('node', 'manage', 'cli-1', '--wait', '60');
    await ok('node', 'clean', 'cli-1', '--clean-steps', '[{"interface": "deploy", "step": "erase_devices_metadata"}]', '--wait', '60');
    expect(await value('node', 'show', 'cli-1', '-c', 'provision_state')).toBe('manageable');
    const shred = await bm('node', 'clean', 'cli-1', '--clean-steps', '[{"interface": "deploy", "step": "erase_devices"}]');
    expect(shred.code).not.toBe(0);
    expect(shred.err).toContain('step "erase_devices" of interface "deploy" is not supported');
    await ok('node', 'provide', 'cli-1', '--wait', '60');

    await ok('node', 'maintenance', 'set', 'cli-1', '--reason', 'fan replacement');
    expect(await value('node', 'show', 'cli-1', '-c', 'maintenance_reason')).toBe('fan replacement');
    await ok('node', 'maintenance', 'unset', 'cli-1');
    expect(await value('node', 'show', 'cli-1', '-c', 'maintenance')).toBe('False');

    await ok('node', 'add', 'trait', 'cli-1', 'CUSTOM_GPU');
    expect(await ok('node', 'trait', 'list', 'cli-1')).toContain('CUSTOM_GPU');

    const portUuid = (await value('port', 'list', '-c', 'UUID')).split('\n')[0]!;
    await ok('port', 'delete', portUuid);
    expect(await ok('port', 'list')).not.toContain('52:54:00:c1:00:01');

    await ok('node', 'delete', 'cli-1');
    expect(await ok('node', 'list')).not.toContain('cli-1');
  }, 300_000);

  it('lists and shows drivers and their properties', async () => {
    expect(await ok('driver', 'list')).toContain('fake-hardware');
    expect(await ok('driver', 'show', 'fake-hardware')).toMatch(/default_deploy_interface\s*\|\s*fake-agent/);
    expect(await ok('driver', 'property', 'list', 'fake-hardware')).toContain('fake_fail');
  }, 60_000);

  it('reports errors as Ironic does', async () => {
    const missing = await bm('node', 'show', 'no-such-node');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('no-such-node could not be found');
    await ok('node', 'create', '--driver', 'fake-hardware', '--name', 'cli-err');
    const bad = await bm('node', 'deploy', 'cli-err');
    expect(bad.err).toMatch(/The requested action "active" can not be performed on node "[0-9a-f-]+" while it is in state "enroll"/);
  }, 60_000);
});

async function waitFor(pred: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}
