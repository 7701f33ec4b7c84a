// BIOS settings of a redfish node through the API, against the lab's Redfish BMC (in-memory machine, with
// a separate @Redfish.Settings object): managing caches the Bios resource's Attributes; a manual clean's
// bios.apply_configuration PATCHes the settings object, the reboot applies them, and the API lists them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, waitFor, type Harness } from '../http/helpers.js';
import { startRedfishBmc, type RedfishBmc } from '../../lab/redfish/server.js';
import { PASSWORD, USERNAME, driverInfoFor } from './helpers.js';

let h: Harness;
let bmc: RedfishBmc;
beforeAll(async () => {
  bmc = await startRedfishBmc({ username: USERNAME, password: PASSWORD });
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  await bmc.close();
});

const bios = async () => Object.fromEntries((await h.call({ method: 'GET', url: '/v1/nodes/rf-bios/bios' })).body.bios.map((s: { name: string; value: string }) => [s.name, s.value]));
const settled = (n: { provision_state: string; reservation: string | null }) => n.provision_state === 'manageable' && n.reservation === null;
const patches = (path: string) => [...bmc.stats.byRoute].filter(([k]) => k.startsWith('PATCH ') && k.endsWith(path)).reduce((sum, [, n]) => sum + n, 0);

describe('BIOS settings of a redfish node', () => {
  it('managing the node caches the Bios resource Attributes', async () => {
    await h.call({ method: 'POST', url: '/v1/nodes', payload: { name: 'rf-bios', driver: 'redfish', driver_info: driverInfoFor(bmc) } });
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/rf-bios/states/provision', payload: { target: 'manage' } })).status).toBe(202);
    await waitFor(h, 'rf-bios', settled);
    expect(await bios()).toEqual({ BootMode: 'Uefi', ProcTurboMode: 'Enabled', EmbeddedSata: 'Ahci', NumLock: 'On' });
  });

  it('apply_configuration by manual cleaning writes the @Redfish.Settings object; listed changed after', async () => {
    const settingsPatches = patches('/Bios/Settings');
    const clean = { target: 'clean', clean_steps: [{ interface: 'bios', step: 'apply_configuration', args: { settings: [{ name: 'ProcTurboMode', value: 'Disabled' }] } }] };
    expect((await h.call({ method: 'PUT', url: '/v1/nodes/rf-bios/states/provision', payload: clean })).status).toBe(202);
    const node = await waitFor(h, 'rf-bios', settled);
    expect(node.last_error).toBeNull();
    expect(patches('/Bios/Settings')).toBe(settingsPatches + 1);
    expect(bmc.state.bios.ProcTurboMode).toBe('Disabled'); // the reboot applied the pending settings
    expect(await bios()).toMatchObject({ ProcTurboMode: 'Disabled', NumLock: 'On' });
  });

  it('a name the BMC does not have is refused (400 naming it); factory_reset is not offered by redfish', async () => {
    const bad = await h.call({ method: 'PUT', url: '/v1/nodes/rf-bios/states/provision', payload: { target: 'clean', clean_steps: [{ interface: 'bios', step: 'apply_configuration', args: { settings: [{ name: 'Hyper', value: 1 }] } }] } });
    expect(bad.status).toBe(400);
    expect(fault(bad.body)).toContain('"Hyper"');
    const reset = await h.call({ method: 'PUT', url: '/v1/nodes/rf-bios/states/provision', payload: { target: 'clean', clean_steps: [{ interface: 'bios', step: 'factory_reset' }] } });
    expect(reset.status).toBe(400);
    expect(fault(reset.body)).toContain('supported: bios.apply_configuration)');
  });
});
