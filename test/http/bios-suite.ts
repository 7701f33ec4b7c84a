// BIOS settings of a fake-hardware node through the API, run on SQLite (bios.test.ts) and PostgreSQL
// (bios.pg.e2e.test.ts): the manager caches the fake BIOS's settings when the node is managed, the API lists
// them from that cache, and the manual clean steps bios.apply_configuration / bios.factory_reset change
// them; an unknown setting is refused before anything runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, waitFor, type Harness } from './helpers.js';
import { listBiosSettings } from '../../engine/store/bios.js';

const provision = (h: Harness, ident: string, payload: Record<string, unknown>) => h.call({ method: 'PUT', url: `/v1/nodes/${ident}/states/provision`, payload });
const bios = async (h: Harness, ident: string) => Object.fromEntries((await h.call({ method: 'GET', url: `/v1/nodes/${ident}/bios` })).body.bios.map((s: { name: string; value: string }) => [s.name, s.value]));
const settled = (n: { provision_state: string; reservation: string | null }) => n.provision_state === 'manageable' && n.reservation === null;
const apply = (settings: unknown) => ({ target: 'clean', clean_steps: [{ interface: 'bios', step: 'apply_configuration', args: { settings } }] });

export function biosSuite(label: string, start: () => Promise<Harness>): void {
  describe(`BIOS settings of a fake-hardware node (${label})`, () => {
    let h: Harness;
    beforeAll(async () => (h = await start()), 60_000);
    afterAll(async () => h?.close());

    it('an enrolled node has none cached; managing it caches the fake BIOS settings, listed with links', async () => {
      expect((await h.call({ method: 'POST', url: '/v1/nodes', payload: { name: 'fb', driver: 'fake-hardware' } })).status).toBe(201);
      expect((await h.call({ method: 'GET', url: '/v1/nodes/fb/bios' })).body).toEqual({ bios: [] });
      expect((await provision(h, 'fb', { target: 'manage' })).status).toBe(202);
      await waitFor(h, 'fb', settled);
      const list = await h.call({ method: 'GET', url: '/v1/nodes/fb/bios' });
      expect(list.status).toBe(200);
      expect(list.body.bios.map((s: { name: string }) => s.name)).toEqual(['BootMode', 'NumLock', 'ProcHyperThreading', 'ProcVirtualization', 'SriovGlobalEnable']);
      const first = list.body.bios[0];
      expect(first).toMatchObject({ name: 'BootMode', value: 'Uefi', updated_at: null });
      expect(first.links[0].href).toMatch(/\/v1\/nodes\/fb\/bios\/BootMode$/);
    });

    it('shows one setting under its name; an unknown one is 404 naming it', async () => {
      const one = await h.call({ method: 'GET', url: '/v1/nodes/fb/bios/ProcVirtualization' });
      expect(one.status).toBe(200);
      expect(one.body.ProcVirtualization).toMatchObject({ name: 'ProcVirtualization', value: 'Enabled' });
      const missing = await h.call({ method: 'GET', url: '/v1/nodes/fb/bios/NoSuchThing' });
      expect(missing.status).toBe(404);
      expect(fault(missing.body)).toContain("'NoSuchThing'");
    });

    it('bios.apply_configuration by manual cleaning changes the settings, listed changed after', async () => {
      expect((await provision(h, 'fb', apply([{ name: 'ProcVirtualization', value: 'Disabled' }, { name: 'NumLock', value: 'Off' }]))).status).toBe(202);
      const node = await waitFor(h, 'fb', settled);
      expect(node.last_error).toBeNull();
      expect(await bios(h, 'fb')).toMatchObject({ ProcVirtualization: 'Disabled', NumLock: 'Off', BootMode: 'Uefi' });
      const one = await h.call({ method: 'GET', url: '/v1/nodes/fb/bios/NumLock' });
      expect(one.body.NumLock.updated_at).not.toBeNull();
    });

    it('bios.factory_reset by manual cleaning restores the defaults', async () => {
      expect((await provision(h, 'fb', { target: 'clean', clean_steps: [{ interface: 'bios', step: 'factory_reset' }] })).status).toBe(202);
      await waitFor(h, 'fb', settled);
      expect(await bios(h, 'fb')).toMatchObject({ ProcVirtualization: 'Enabled', NumLock: 'On' });
    });

    it('refuses with 400 naming it a setting the BIOS does not have; nothing is applied', async () => {
      const r = await provision(h, 'fb', apply([{ name: 'NumLock', value: 'Off' }, { name: 'TurboWarp', value: 'On' }]));
      expect(r.status).toBe(400);
      expect(fault(r.body)).toContain('clean_steps[0].args.settings[1].name');
      expect(fault(r.body)).toContain('"TurboWarp"');
      const node = (await h.call({ method: 'GET', url: '/v1/nodes/fb' })).body;
      expect(node.provision_state).toBe('manageable');
      expect((await bios(h, 'fb')).NumLock).toBe('On');
    });

    it('refuses malformed settings and unknown bios steps with 400 naming the field', async () => {
      const empty = await provision(h, 'fb', apply([]));
      expect(empty.status).toBe(400);
      expect(fault(empty.body)).toContain('clean_steps[0].args.settings');
      const noName = await provision(h, 'fb', apply([{ value: 'x' }]));
      expect(fault(noName.body)).toContain('clean_steps[0].args.settings[0].name');
      const step = await provision(h, 'fb', { target: 'clean', clean_steps: [{ interface: 'bios', step: 'overclock' }] });
      expect(step.status).toBe(400);
      expect(fault(step.body)).toMatch(/clean_steps\[0\].*"overclock".*bios\.apply_configuration, bios\.factory_reset/);
    });

    it('a node without a BIOS interface refuses bios steps (400 naming the step); no step is not a crash', async () => {
      expect((await provision(h, 'fb', { target: 'clean', clean_steps: [null] })).status).toBe(400);
      const ipmi = await h.call({ method: 'POST', url: '/v1/nodes', payload: { name: 'nobios', driver: 'ipmi', driver_info: { ipmi_address: '127.0.0.1' } } });
      expect(ipmi.status).toBe(201);
      // Recorded manageable directly (this test has no IPMI BMC to verify against).
      const node = await h.engine.store.getNode('nobios');
      await h.engine.store.transaction((tx) => tx.updateNode(node.uuid, node.version, { provision_state: 'manageable' }));
      const r = await provision(h, 'nobios', apply([{ name: 'NumLock', value: 'Off' }]));
      expect(r.status).toBe(400);
      expect(fault(r.body)).toMatch(/clean_steps\[0\].*no BIOS interface/);
    });

    it('deleting the node deletes its cached settings', async () => {
      const uuid = (await h.call({ method: 'GET', url: '/v1/nodes/fb' })).body.uuid as string;
      expect((await listBiosSettings(h.engine.store.db, uuid)).length).toBe(5);
      expect((await h.call({ method: 'DELETE', url: '/v1/nodes/fb' })).status).toBe(204);
      expect(await listBiosSettings(h.engine.store.db, uuid)).toEqual([]);
    });
  });
}
