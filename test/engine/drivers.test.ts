import { describe, it, expect, afterEach } from 'vitest';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { openTestEngine } from './helpers.js';
import { discoverDriverPackages } from '../../engine/drivers/registry.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const fixtures = join(import.meta.dirname, 'fixtures', 'driver-pkg', 'node_modules');

describe('drivers', () => {
  it('loads driver packages that declare "ironplan": {"drivers": …} in their package.json', async () => {
    expect(discoverDriverPackages(fixtures)).toEqual([join(fixtures, 'ironplan-driver-demo', 'drivers.js')]);
    const t = await openTestEngine({ scanDriverPackages: fixtures });
    close = t.close;
    const node = await t.engine.conductor.createNode({ name: 'd1', driver: 'demo-hardware' });
    expect(node.interfaces.vendor).toBe('demo-vendor');
    expect(await t.engine.conductor.vendorPassthru('d1', 'hello', 'GET', null)).toEqual({ async: false, result: { hello: 'd1' } });
    await expect(t.engine.conductor.provision('d1', 'manage').then((op) => op.done)).resolves.toMatchObject({ provision_state: 'manageable' });
    await expect(t.engine.conductor.provision('d1', 'inspect').then((op) => op.done)).resolves.toMatchObject({
      provision_state: 'inspect failed',
      last_error: expect.stringContaining('no inspect interface'),
    });
  });

  it('refuses an interface the hardware type does not support, naming it', async () => {
    const t = await openTestEngine();
    close = t.close;
    await expect(t.engine.conductor.createNode({ name: 'x', driver: 'ipmi', interfaces: { deploy: 'fake-agent' }, driver_info: { ipmi_address: '127.0.0.1' } })).rejects.toMatchObject({
      field: 'interfaces.deploy',
      message: expect.stringContaining('supported: agent'),
    });
    await expect(t.engine.conductor.createNode({ name: 'y', driver: 'ipmi', driver_info: { ipmi_port: 623 } })).rejects.toMatchObject({
      field: 'driver_info.ipmi_address',
      message: 'driver_info.ipmi_address: is required',
    });
  });

  it('masks secret driver_info fields (writeOnly in the driver schema)', async () => {
    const t = await openTestEngine();
    close = t.close;
    const n = await t.engine.conductor.createNode({ name: 'x', driver: 'fake-hardware', driver_info: { fake_fail: 'none', bmc_password: 'hunter2' } });
    expect(JSON.stringify(t.engine.nodes.redact(n))).not.toContain('hunter2');
  });

  it('common tier: a PCI device list, when offered, has the shape the schema fixes', async () => {
    const t = await openTestEngine();
    close = t.close;
    const { assertValid } = await import('../../engine/validation.js');
    const n = await t.engine.conductor.createNode({ name: 'p', driver: 'fake-hardware' });
    const mgmt = t.engine.registry.driverFor(n).management;
    const list = await mgmt.getPciDevices!({ node: n } as never);
    expect(() => assertValid('common-tier/pci-devices.schema.json', list)).not.toThrow();
    expect(() => assertValid('common-tier/pci-devices.schema.json', { pci_devices: [{ address: 'bogus' }] })).toThrow(/pci_devices/);
  });
});

describe('schemas', () => {
  it('the generated TypeScript types are up to date with schemas/', () => {
    execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'gen-types.mjs'), '--check'], { stdio: 'pipe' });
  });
});
