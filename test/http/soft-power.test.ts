// Soft power (API 1.27): "soft power off" and "soft rebooting" targets and the timeout argument. The fake
// power interface has soft power, as Ironic's does; a power interface without it is refused with Ironic's
// error (400, synchronously). The ipmitool command is covered where ipmitool is (drivers/ipmi/power.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriverModule, PowerState } from '../../contract/types.js';
import { BUILTIN_DRIVERS } from '../../engine/cli/compose.js';
import { fault, startHarness, waitFor, type Harness } from './helpers.js';

/** A hardware type whose power interface has no soft power (as an Ironic one without it). */
const hardOnly: DriverModule = {
  register(registry) {
    const state = new Map<string, PowerState>();
    registry.registerInterface('power', {
      name: 'hard-only',
      async validate() {},
      async getPowerState(task) {
        return state.get(task.node.uuid) ?? 'power on';
      },
      async setPowerState(task, s) {
        state.set(task.node.uuid, s);
      },
      async reboot(task) {
        state.set(task.node.uuid, 'power on');
      },
    });
    registry.registerHardwareType({
      name: 'hard-only-hardware',
      description: 'fake-hardware without soft power (tests)',
      interfaces: {
        power: { supported: ['hard-only'], default: 'hard-only' },
        management: { supported: ['fake'], default: 'fake' },
        boot: { supported: ['fake'], default: 'fake' },
        deploy: { supported: ['fake-agent'], default: 'fake-agent' },
        inspect: { supported: ['fake'], default: 'fake' },
        vendor: { supported: ['no-vendor'], default: 'no-vendor' },
      },
    });
  },
};

let h: Harness;
beforeAll(async () => (h = await startHarness({}, { drivers: [...BUILTIN_DRIVERS, hardOnly] })));
afterAll(async () => h.close());

const create = async (name: string, driver = 'fake-hardware', driver_info: Record<string, unknown> = { fake_initial_power_state: 'power on' }) =>
  (await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver, name, driver_info } })).body.uuid as string;
const power = (node: string, payload: Record<string, unknown>, version = 'latest') => h.call({ method: 'PUT', url: `/v1/nodes/${node}/states/power`, payload, version });

describe('soft power', () => {
  for (const version of ['1.27', 'latest']) {
    it(`soft power off and soft rebooting at ${version}, with and without a timeout`, async () => {
      const node = await create(`soft-${version}`);
      const off = await power(node, { target: 'soft power off' }, version);
      expect(off.status).toBe(202);
      await waitFor(h, node, (n) => n.power_state === 'power off' && n.target_power_state === null && n.reservation === null);
      const reboot = await power(node, { target: 'soft rebooting', timeout: 30 }, version);
      expect(reboot.status).toBe(202);
      await waitFor(h, node, (n) => n.power_state === 'power on' && n.target_power_state === null && n.reservation === null);
      expect((await power(node, { target: 'soft rebooting' }, version)).status).toBe(202);
      await waitFor(h, node, (n) => n.power_state === 'power on' && n.reservation === null);
      expect((await power(node, { target: 'power off', timeout: 5 }, version)).status).toBe(202);
      const done = await waitFor(h, node, (n) => n.power_state === 'power off' && n.reservation === null);
      expect(done.last_error).toBeNull();
    });
  }

  it('shows the target power state while it runs (soft power off: power off; soft rebooting: power on)', async () => {
    const node = await create('soft-slow', 'fake-hardware', { fake_initial_power_state: 'power on', fake_power_delay_ms: 300 });
    expect((await power(node, { target: 'soft power off' })).status).toBe(202);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}/states` })).body.target_power_state).toBe('power off');
    await waitFor(h, node, (n) => n.reservation === null);
    expect((await power(node, { target: 'soft rebooting' })).status).toBe(202);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}/states` })).body.target_power_state).toBe('power on');
    // The node is locked meanwhile: another power change is a 409.
    expect((await power(node, { target: 'soft power off' })).status).toBe(409);
    await waitFor(h, node, (n) => n.reservation === null && n.power_state === 'power on');
  });

  it('is 406 before 1.27, as is a timeout', async () => {
    const node = await create('soft-old');
    expect((await power(node, { target: 'soft power off' }, '1.26')).status).toBe(406);
    expect((await power(node, { target: 'soft rebooting' }, '1.26')).status).toBe(406);
    expect((await power(node, { target: 'power off', timeout: 10 }, '1.26')).status).toBe(406);
    // Nothing was started: no target, no lock.
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}` })).body).toMatchObject({ target_power_state: null, reservation: null });
  });

  it('refuses a timeout that is no positive integer (400), unknown targets (400)', async () => {
    const node = await create('soft-bad');
    const zero = await power(node, { target: 'soft power off', timeout: 0 });
    expect(zero.status).toBe(400);
    expect(fault(zero.body)).toContain('timeout has to be positive integer');
    expect((await power(node, { target: 'soft power off', timeout: -5 })).status).toBe(400);
    expect((await power(node, { target: 'soft power off', timeout: 1.5 })).status).toBe(400);
    expect((await power(node, { target: 'soft sideways' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: `/v1/nodes/${node}` })).body.reservation).toBeNull();
  });

  it("refuses soft power for a power interface without it, with Ironic's error, and leaves the node as it was", async () => {
    const node = await create('hard-only', 'hard-only-hardware', {});
    for (const [target, ironicName] of [['soft power off', 'soft power off'], ['soft rebooting', 'soft rebooting']]) {
      const r = await power(node, { target });
      expect(r.status).toBe(400);
      expect(fault(r.body)).toBe(`The driver hard-only-hardware does not support the power state, ${ironicName}`);
    }
    const n = (await h.call({ method: 'GET', url: `/v1/nodes/${node}` })).body;
    expect(n).toMatchObject({ reservation: null, target_power_state: null });
    // Hard power still works.
    expect((await power(node, { target: 'power off' })).status).toBe(202);
    await waitFor(h, node, (x) => x.power_state === 'power off' && x.reservation === null);
  });
});
