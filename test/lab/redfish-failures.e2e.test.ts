// Failure paths of a deploy over Redfish virtual media, against the lab Redfish BMC (HTTPS, sessions) with an
// in-memory machine: a wrong password, an unreachable BMC, a BMC that answers 500 twice (the deploy still
// succeeds), a BMC that refuses InsertMedia, an agent that never calls back, an abort. Each failure leaves the node
// in deploy failed with a clear last_error, the machine powered off (read from the BMC's machine, not from
// ironplan's record) and no medium in the virtual CD; the node's ISO is gone from the boot root.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/engine.js';
import { VMEDIA_DIR } from '../../engine/images/service.js';
import { STABLE_STATES } from '../../engine/states.js';
import { FakeMachine } from '../../lab/redfish/machine.js';
import { startRedfishBmc, type RedfishBmc } from '../../lab/redfish/server.js';
import { labNetworkData } from '../../lab/cycle-redfish.js';
import { openTestEngine, SHA } from '../engine/helpers.js';

const MAC = '52:54:00:fa:22:01';
const PASSWORD = 'rf-right-pw-7d1';

describe('redfish virtual-media deploy failures (lab Redfish BMC, in-memory machine)', () => {
  let engine: Engine;
  let close: () => Promise<void>;
  let bmc: RedfishBmc;
  let machine: FakeMachine;

  beforeEach(async () => {
    // Deploy failures are the subject: provide without in-band cleaning (nothing would boot its agent).
    const stateDir = mkdtempSync(join(tmpdir(), 'ironplan-rf-failures-'));
    const t = await openTestEngine({ settings: { stateDir, deployCallbackTimeoutSec: 30, automatedClean: false } });
    engine = t.engine;
    close = async () => {
      await t.close();
      rmSync(stateDir, { recursive: true, force: true });
    };
    mkdirSync(engine.settings.bootRoot, { recursive: true });
    writeFileSync(join(engine.settings.bootRoot, 'deploy.vmlinuz'), 'kernel');
    writeFileSync(join(engine.settings.bootRoot, 'deploy.initrd.gz'), 'initrd');
    machine = new FakeMachine({ transitionMs: 10 });
    bmc = await startRedfishBmc({ username: 'admin', password: PASSWORD, machine });
  }, 30_000);
  afterEach(async () => {
    await bmc.close();
    await close();
  });

  const driverInfo = (over: Record<string, unknown> = {}) => ({
    redfish_address: bmc.address,
    redfish_username: 'admin',
    redfish_password: PASSWORD,
    redfish_verify_ca: false,
    redfish_timeout: 3,
    redfish_connection_attempts: 3,
    redfish_retry_interval: 0.05,
    deploy_kernel: 'deploy.vmlinuz',
    deploy_ramdisk: 'deploy.initrd.gz',
    ...over,
  });
  const settle = (uuid: string, ms = 30_000) => engine.nodes.waitForNode(uuid, (n) => n.reservation === null && STABLE_STATES.includes(n.provision_state), ms);
  /** Enrolled, managed and provided: available, powered off. */
  const available = async () => {
    const node = await engine.conductor.createNode({
      name: 'rf1',
      driver: 'redfish',
      interfaces: { boot: 'redfish-virtual-media' },
      driver_info: driverInfo(),
      properties: { capabilities: 'boot_mode:uefi' },
      network_data: labNetworkData(MAC),
    } as never);
    await engine.conductor.createPort({ node_uuid: node.uuid, address: MAC });
    await (await engine.conductor.provision(node.uuid, 'manage')).done;
    await (await engine.conductor.provision(node.uuid, 'provide')).done;
    expect((await settle(node.uuid)).provision_state).toBe('available');
    return node;
  };
  const deploy = async (uuid: string) =>
    (await engine.conductor.provision(uuid, 'deploy', { instance_info: { image_source: 'http://10.0.2.2:1/x.raw', image_checksum: SHA, image_disk_format: 'raw' } })).done;
  const isos = () => readdirSync(join(engine.settings.bootRoot, VMEDIA_DIR)).filter((n) => n.endsWith('.iso'));
  /** Off as the BMC's machine says, once any transition has settled. */
  const machineOff = async () => {
    await new Promise((r) => setTimeout(r, 50));
    return machine.state;
  };

  it('a wrong BMC password: deploy failed naming the credentials (never the password), machine off', async () => {
    const node = await available();
    await engine.conductor.updateNode(node.uuid, { driver_info: driverInfo({ redfish_password: 'rf-wrong-pw-3c9' }) });
    await deploy(node.uuid);
    const after = await settle(node.uuid);
    expect(after.provision_state).toBe('deploy failed');
    expect(after.last_error).toMatch(/rejected the credentials of user "admin".*redfish_password/);
    expect(after.last_error).not.toContain('rf-wrong-pw');
    expect(await machineOff()).toBe('Off');
    expect(machine.media).toBeNull();
  }, 60_000);

  it('an unreachable BMC: deploy failed naming the BMC and the cause, machine off', async () => {
    const node = await available();
    await bmc.close();
    await deploy(node.uuid);
    const after = await settle(node.uuid);
    expect(after.provision_state).toBe('deploy failed');
    expect(after.last_error).toMatch(/cannot reach BMC https:\/\/127\.0\.0\.1:\d+ \(3 attempts\): connect ECONNREFUSED/);
    expect(await machineOff()).toBe('Off');
    expect(machine.media).toBeNull();
  }, 60_000);

  it('a BMC that answers 500 twice, then works: the deploy succeeds; booted once from the CD, then from disk, CD ejected', async () => {
    const node = await available();
    bmc.failNext(2, 500);
    await deploy(node.uuid);
    await engine.nodes.waitForNode(node.uuid, (n) => n.reservation === null && n.provision_state === 'wait call-back', 30_000);
    expect(machine.media).toMatch(new RegExp(`/boot/${VMEDIA_DIR}/${node.uuid}-[0-9a-f]{32}\\.iso$`));
    expect(isos()).toHaveLength(1);
    // The agent's part, as the ramdisk's agent speaks it.
    const { agent_token } = await engine.conductor.lookup({ addresses: [MAC] });
    expect((await engine.conductor.heartbeat(node.uuid, { agent_token: agent_token!, agent_status: 'ready' })).command).toBe('write_image');
    await engine.conductor.heartbeat(node.uuid, { agent_token: agent_token!, agent_status: 'written', image_checksum_computed: SHA });
    const after = await settle(node.uuid);
    expect(after.provision_state).toBe('active');
    expect(after.last_error).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(machine.state).toBe('On');
    expect(machine.bootedFrom).toBe('Hdd');
    expect(machine.history.filter((h) => h.type === 'On').map((h) => h.boot)).toEqual(['Cd', 'Hdd']);
    expect(machine.media).toBeNull();
    expect(isos()).toEqual([]);
    expect(bmc.state.boot.mode).toBe('UEFI');
  }, 60_000);

  it('InsertMedia refused by the BMC: deploy failed quoting the BMC, machine never powered on', async () => {
    const node = await available();
    bmc.refuse(`POST ${bmc.paths.cd}/Actions/VirtualMedia.InsertMedia`, { status: 400, message: 'The virtual media image could not be retrieved from the remote server.' });
    await deploy(node.uuid);
    const after = await settle(node.uuid);
    expect(after.provision_state).toBe('deploy failed');
    expect(after.last_error).toMatch(/did not insert the deploy ISO.*HTTP 400: The virtual media image could not be retrieved from the remote server\./);
    expect(after.last_error).not.toMatch(/[0-9a-f]{32}\.iso/);
    expect(await machineOff()).toBe('Off');
    expect(machine.history.some((h) => h.type === 'On')).toBe(false);
    expect(isos()).toEqual([]);
  }, 60_000);

  it('an abort while waiting for the agent: machine powered off, CD ejected, ISO removed', async () => {
    const node = await available();
    await deploy(node.uuid);
    await engine.nodes.waitForNode(node.uuid, (n) => n.reservation === null && n.provision_state === 'wait call-back', 30_000);
    expect(machine.media).not.toBeNull();
    await (await engine.conductor.provision(node.uuid, 'abort')).done;
    const after = await settle(node.uuid);
    expect(after.provision_state).toBe('deploy failed');
    expect(await machineOff()).toBe('Off');
    expect(machine.media).toBeNull();
    expect(isos()).toEqual([]);
  }, 60_000);

  it('no call-back within the timeout: deploy failed, machine powered off, CD ejected, ISO removed', async () => {
    (engine.settings as { deployCallbackTimeoutSec: number }).deployCallbackTimeoutSec = 1;
    const node = await available();
    await deploy(node.uuid);
    await new Promise((r) => setTimeout(r, 50));
    expect(machine.state).toBe('On');
    expect(machine.bootedFrom).toBe('Cd');
    const after = await settle(node.uuid);
    expect(after.provision_state).toBe('deploy failed');
    expect(after.last_error).toMatch(/Timeout reached while waiting for call-back/);
    expect(await machineOff()).toBe('Off');
    expect(machine.media).toBeNull();
    expect(isos()).toEqual([]);
  }, 60_000);
});
