// Fault: a BMC (real ipmi_sim) that answers power requests but fails every boot device request. Power
// works; the boot device call is refused with a message naming the BMC; a deploy, which needs network
// boot, fails cleanly with a last_error that says why, and the node is not left locked.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmc, type RunningBmc } from '../../lab/bmc.js';
import { CHECKSUM, fault, startHarness, waitFor, type Harness } from '../http/helpers.js';

const CHASSIS = join(import.meta.dirname, 'power-only-chassis.sh');
let h: Harness;
let bmc: RunningBmc;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ironplan-bootdev-'));
  bmc = await startBmc({ chassisControl: CHASSIS, env: { FAKE_CHASSIS_DIR: join(dir, 'chassis') }, stateDir: join(dir, 'bmc'), username: 'admin', password: 'fault-s3cret' });
  h = await startHarness({}, { settings: { automatedClean: false } as never });
  await writeFile(join(h.bootRoot, 'deploy.vmlinuz'), 'kernel');
  await writeFile(join(h.bootRoot, 'deploy.initrd.gz'), 'initrd');
}, 60_000);
afterAll(async () => {
  await h?.close();
  await bmc?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a BMC that answers for power but not for the boot device (slow)', () => {
  it('powers the node, refuses the boot device clearly, and fails a deploy with a clear last_error', async () => {
    const created = await h.call({
      method: 'POST',
      url: '/v1/nodes',
      payload: { driver: 'ipmi', name: 'half-bmc', driver_info: { ipmi_address: bmc.address, ipmi_port: bmc.port, ipmi_username: 'admin', ipmi_password: 'fault-s3cret', ipmi_timeout: 3, ipmi_retries: 0, deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz' } },
    });
    expect(created.status, created.text).toBe(201);
    await h.call({ method: 'POST', url: '/v1/ports', payload: { address: '52:54:00:fc:00:01', node_uuid: 'half-bmc' } });

    expect((await h.call({ method: 'PUT', url: '/v1/nodes/half-bmc/states/power', payload: { target: 'power on' } })).status).toBe(202);
    await waitFor(h, 'half-bmc', (n) => n.power_state === 'power on' && n.reservation === null, 20_000);

    const set = await h.call({ method: 'PUT', url: '/v1/nodes/half-bmc/management/boot_device', payload: { boot_device: 'pxe' } });
    expect(set.status).toBeGreaterThanOrEqual(400);
    expect(set.status).toBeLessThan(500);
    expect(fault(set.body)).toMatch(new RegExp(`${bmc.port}`));
    expect(fault(set.body)).not.toContain('fault-s3cret');

    for (const target of ['manage', 'provide']) {
      expect((await h.call({ method: 'PUT', url: '/v1/nodes/half-bmc/states/provision', payload: { target } })).status).toBe(202);
      await waitFor(h, 'half-bmc', (n) => n.reservation === null && n.target_provision_state === null, 30_000);
    }
    const afterProvide = (await h.call({ method: 'GET', url: '/v1/nodes/half-bmc' })).body;
    expect(afterProvide.provision_state, JSON.stringify(afterProvide.last_error)).toBe('available');
    await h.call({ method: 'PATCH', url: '/v1/nodes/half-bmc', payload: [
      { op: 'add', path: '/instance_info/image_source', value: 'http://127.0.0.1:1/img.raw' },
      { op: 'add', path: '/instance_info/image_checksum', value: CHECKSUM },
    ] });
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/half-bmc/states/provision', payload: { target: 'active' } })).status).toBe(202);
    const failed = await waitFor(h, 'half-bmc', (n) => n.reservation === null && n.provision_state === 'deploy failed', 30_000);
    expect(failed.last_error).toMatch(/boot device/i);
    expect(failed.last_error).toContain(String(bmc.port));
    expect(failed.last_error).not.toContain('fault-s3cret');
  }, 90_000);
});
