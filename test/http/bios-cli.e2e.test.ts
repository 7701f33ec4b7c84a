// The real `baremetal` CLI (python3-ironicclient) reads the BIOS settings ironplan cached for a managed
// fake-hardware node, and applies a change with `node clean --clean-steps` (bios.apply_configuration).
import { describe, expect, it } from 'vitest';
import { useBaremetal, type Baremetal } from './baremetal-harness.js';

let cli: Baremetal;

useBaremetal((c) => (cli = c));

describe('baremetal node bios setting', () => {
  it('lists and shows the cached settings; a manual clean changes one', async () => {
    await cli.ok('node', 'create', '--driver', 'fake-hardware', '--name', 'b1', '-f', 'json');
    await cli.ok('node', 'manage', 'b1', '--wait', '30');
    const list = JSON.parse(await cli.ok('node', 'bios', 'setting', 'list', 'b1', '-f', 'json')) as Array<{ 'BIOS setting name': string; 'BIOS setting value': string }>;
    expect(Object.fromEntries(list.map((s) => [s['BIOS setting name'], s['BIOS setting value']]))).toMatchObject({ BootMode: 'Uefi', NumLock: 'On' });
    const steps = JSON.stringify([{ interface: 'bios', step: 'apply_configuration', args: { settings: [{ name: 'NumLock', value: 'Off' }] } }]);
    await cli.ok('node', 'clean', 'b1', '--clean-steps', steps, '--wait', '30');
    expect(await cli.ok('node', 'bios', 'setting', 'show', 'b1', 'NumLock', '-f', 'value', '-c', 'value')).toContain('Off');
  }, 120_000);
});
