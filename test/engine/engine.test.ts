// The engine on a real SQLite file: apply converges and is idempotent, locks and versions hold,
// injected failures end in the right failed states, drift is observed, events are recorded.
import type { NodeSpec } from '../../engine/generated/node-spec.js';
import { allocationOfNode } from '../../engine/store/allocations.js';
import { describe, it, expect, afterEach } from 'vitest';
import { openTestEngine, SHA } from './helpers.js';
import type { Engine } from '../../engine/engine.js';
import type { Fleet } from '../../engine/generated/fleet.js';
import { EngineError } from '../../engine/errors.js';
import { STABLE_STATES } from '../../engine/states.js';
import type { AgentHeartbeat } from '../../drivers/types.js';

let closeEngine: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeEngine?.();
  closeEngine = undefined;
});

async function engineWith(fleet?: Fleet, over = {}) {
  const t = await openTestEngine(over);
  closeEngine = t.close;
  if (fleet) await t.engine.putSpecs(fleet);
  return t.engine;
}

async function applyAll(engine: Engine) {
  const plan = await engine.makePlan();
  const { done } = await engine.applyPlan(plan.id);
  return { plan, result: await done };
}

/** Network boot through iPXE, so the in-band agent has a way to boot (the fake boot interface boots nothing). */
const PXE_INFO = { deploy_kernel: 'http://127.0.0.1:1/k', deploy_ramdisk: 'http://127.0.0.1:1/r' };

const settle = (engine: Engine, uuid: string) =>
  engine.nodes.waitForNode(uuid, (n) => n.reservation === null && STABLE_STATES.includes(n.provision_state), 10_000);

describe('engine on SQLite', () => {
  it('applies a fleet, then a second apply has nothing to do', async () => {
    const engine = await engineWith({
      nodes: [
        { name: 'a', driver: 'fake-hardware', resource_class: 'std', ports: [{ address: '52:54:00:00:00:0a' }], power_state: 'power on' },
        { name: 'b', driver: 'fake-hardware', resource_class: 'std', traits: ['CUSTOM_X'] },
      ],
      deployments: [{ name: 'web', node_selector: { resource_class: 'std', traits: ['CUSTOM_X'] }, image_source: 'http://img/w.raw', image_checksum: SHA }],
    });
    const { result } = await applyAll(engine);
    expect(result.status).toBe('succeeded');
    const a = await engine.nodes.getNode('a');
    const b = await engine.nodes.getNode('b');
    expect(a.provision_state).toBe('available');
    expect(a.power_state).toBe('power on');
    expect(b.provision_state).toBe('active');
    expect(b.instance_info.image_source).toBe('http://img/w.raw');
    expect((await engine.store.listDeployments())[0]!.node_uuid).toBe(b.uuid);
    // Claimed through an allocation (the manager's rule): its UUID is the deployment's, the node's instance.
    const deployment = (await engine.store.listDeployments())[0]!;
    expect(b.allocation_uuid).toBe(deployment.uuid);
    expect(b.instance_uuid).toBe(deployment.uuid);
    expect(await allocationOfNode(engine.store.db, b.uuid)).toMatchObject({ uuid: deployment.uuid, state: 'active', resource_class: 'std', traits: ['CUSTOM_X'] });
    const again = await engine.makePlan();
    expect(again.actions).toEqual([]);
    // Undeploying ends the allocation with the instance.
    await engine.putSpecs({ nodes: (await engine.store.listSpecs<NodeSpec>('node')), deployments: [] });
    expect((await applyAll(engine)).result.status).toBe('succeeded');
    expect(await allocationOfNode(engine.store.db, b.uuid)).toBeUndefined();
    expect(await engine.nodes.getNode('b')).toMatchObject({ provision_state: 'available', instance_uuid: null, allocation_uuid: null });
  });

  it('records every transition as an event: who, from, to, why', async () => {
    const engine = await engineWith({ nodes: [{ name: 'a', driver: 'fake-hardware' }], deployments: [] });
    await applyAll(engine);
    const events = await engine.nodes.listEvents({ node_uuid: (await engine.nodes.getNode('a')).uuid });
    const transitions = events.filter((e) => e.type === 'provision').map((e) => `${e.from}->${e.to}`);
    // Automated cleaning (on by default, as in Ironic) boots the agent to erase the disks' metadata.
    expect(transitions).toEqual(['enroll->verifying', 'verifying->manageable', 'manageable->cleaning', 'cleaning->clean wait', 'clean wait->cleaning', 'cleaning->available']);
    for (const e of events) {
      expect(e.actor).toBeTruthy();
      expect(e.time).toMatch(/^\d{4}-/);
    }
  });

  it('rebuilds in place when the image changes, and undeploys when the deployment goes', async () => {
    const fleet: Fleet = { nodes: [{ name: 'a', driver: 'fake-hardware' }], deployments: [{ name: 'web', node: 'a', image_source: 'http://img/1', image_checksum: SHA }] };
    const engine = await engineWith(fleet);
    expect((await applyAll(engine)).result.status).toBe('succeeded');
    await engine.putSpecs({ ...fleet, deployments: [{ name: 'web', node: 'a', image_source: 'http://img/2', image_checksum: `sha256:${'d'.repeat(64)}` }] });
    const { plan, result } = await applyAll(engine);
    expect(plan.actions.map((a) => a.op)).toEqual(['rebuild']);
    expect(result.status).toBe('succeeded');
    expect((await engine.nodes.getNode('a')).instance_info.image_source).toBe('http://img/2');
    await engine.putSpecs({ nodes: fleet.nodes, deployments: [] });
    const undo = await applyAll(engine);
    expect(undo.plan.actions.map((a) => a.op)).toEqual(['undeploy']);
    const a = await engine.nodes.getNode('a');
    expect(a.provision_state).toBe('available');
    expect(a.instance_uuid).toBeNull();
    expect(await engine.store.listDeployments()).toEqual([]);
  });

  it('refuses a stale plan', async () => {
    const engine = await engineWith({ nodes: [{ name: 'a', driver: 'fake-hardware' }], deployments: [] });
    const plan = await engine.makePlan();
    await engine.putNodeSpec({ name: 'b', driver: 'fake-hardware' });
    await expect(engine.applyPlan(plan.id)).rejects.toMatchObject({ code: 'StalePlan', status: 409 });
  });

  it('validates driver_info against the driver\'s schema, naming the field', async () => {
    const engine = await engineWith();
    await expect(engine.putSpecs({ nodes: [{ name: 'a', driver: 'fake-hardware', driver_info: { fake_fail: 'sometimes' } }] })).rejects.toMatchObject({
      code: 'InvalidParameter',
      field: expect.stringContaining('driver_info.fake_fail'),
    });
    await expect(engine.conductor.createNode({ name: 'x', driver: 'no-such-type' })).rejects.toMatchObject({ field: 'driver' });
    await expect(engine.putSpecs({ nodes: [{ name: 'a', driver: 'fake-hardware', power_state: 'sideways' } as never] })).rejects.toMatchObject({
      field: 'nodes.0.power_state',
    });
  });

  it('one writer per node: a second writer gets NodeLocked (409)', async () => {
    const engine = await engineWith();
    const node = await engine.conductor.createNode({ name: 'slow', driver: 'fake-hardware', driver_info: { fake_power_delay_ms: 300 } });
    const op = await engine.conductor.changePowerState('slow', 'power on');
    const second = engine.conductor.changePowerState('slow', 'power off');
    await expect(second).rejects.toMatchObject({ code: 'NodeLocked', status: 409 });
    await expect(engine.conductor.updateNode('slow', { extra: { x: 1 } })).rejects.toBeInstanceOf(EngineError);
    expect((await op.done).power_state).toBe('power on');
    expect((await engine.nodes.getNode(node.uuid)).reservation).toBeNull();
  });

  it('a stale writer fails instead of overwriting (optimistic concurrency)', async () => {
    const engine = await engineWith();
    const node = await engine.conductor.createNode({ name: 'v', driver: 'fake-hardware' });
    await engine.store.transaction((tx) => tx.updateNode(node.uuid, node.version, { extra: { first: true } }));
    await expect(engine.store.transaction((tx) => tx.updateNode(node.uuid, node.version, { extra: { second: true } }))).rejects.toMatchObject({ code: 'StaleWrite' });
    expect((await engine.nodes.getNode('v')).extra).toEqual({ first: true });
  });

  it('injected failures: power, agent timeout, checksum mismatch, agent error, BMC unreachable', async () => {
    const engine = await engineWith(undefined, { settings: { deployCallbackTimeoutSec: 1 } });
    const mk = async (name: string, fake_fail: string) => {
      const n = await engine.conductor.createNode({ name, driver: 'fake-hardware', driver_info: { fake_fail } });
      await (await engine.conductor.provision(name, 'manage')).done;
      await settle(engine, (await (await engine.conductor.provision(name, 'provide')).done).uuid);
      return settle(engine, n.uuid);
    };
    // Power failure: verification passes (status read works), the deploy's first power change fails.
    expect((await mk('p', 'power')).provision_state).toBe('clean failed');
    const info = { image_source: 'http://img/x', image_checksum: SHA };
    for (const [name, fail, reason] of [
      ['t', 'agent_timeout', /Timeout reached while waiting for call-back/],
      ['c', 'checksum_mismatch', /Image verification failed/],
      ['e', 'agent_error', /Deploy agent reported an error: simulated disk write error/],
    ] as const) {
      const n = await mk(name, fail);
      expect(n.provision_state).toBe('available');
      await (await engine.conductor.provision(name, 'deploy', { instance_info: info })).done;
      const end = await settle(engine, n.uuid);
      expect(end.provision_state, name).toBe('deploy failed');
      expect(end.last_error).toMatch(reason);
      expect(end.power_state, `${name} is powered off after failing`).toBe('power off');
    }
    const unreachable = await engine.conductor.createNode({ name: 'u', driver: 'fake-hardware', driver_info: { fake_fail: 'bmc_unreachable' } });
    await (await engine.conductor.provision('u', 'manage')).done;
    const u = await settle(engine, unreachable.uuid);
    expect(u.provision_state).toBe('enroll');
    expect(u.last_error).toMatch(/does not answer/);
  });

  it('automated cleaning after undeploy boots the agent to erase disk metadata, then the node is available and off', async () => {
    const fleet: Fleet = { nodes: [{ name: 'a', driver: 'fake-hardware' }], deployments: [{ name: 'web', node: 'a', image_source: 'http://img/1', image_checksum: SHA }] };
    const engine = await engineWith(fleet);
    expect((await applyAll(engine)).result.status).toBe('succeeded');
    const uuid = (await engine.nodes.getNode('a')).uuid;
    const deployToken = (await engine.nodes.getNode('a')).driver_internal_info.agent_secret_token;
    const firstEvent = (await engine.nodes.listEvents({ node_uuid: uuid })).at(-1)!.id;
    await engine.putSpecs({ nodes: fleet.nodes, deployments: [] });
    expect((await applyAll(engine)).result.status).toBe('succeeded');
    const events = (await engine.nodes.listEvents({ node_uuid: uuid })).filter((e) => e.id > firstEvent);
    const moves = events.filter((e) => e.type === 'provision').map((e) => `${e.from}->${e.to}`);
    expect(moves).toEqual(['active->deleting', 'deleting->cleaning', 'cleaning->clean wait', 'clean wait->cleaning', 'cleaning->available']);
    expect(events.find((e) => e.to === 'cleaning' && e.from === 'clean wait')?.reason).toBe('disk metadata erased');
    expect(events.some((e) => e.type === 'progress' && (e.data as { clean_step?: string }).clean_step === 'erase_devices_metadata')).toBe(true);
    const a = await engine.nodes.getNode('a');
    expect(a.power_state).toBe('power off');
    // The cleaning agent had a token of its own, and nothing of it outlives the cleaning.
    expect(a.driver_internal_info).not.toHaveProperty('agent_secret_token');
    expect(a.driver_internal_info).not.toHaveProperty('clean_step');
    expect(deployToken).toBeTruthy();
  });

  it('with automated cleaning off, cleaning only powers off and removes boot config', async () => {
    const engine = await engineWith(undefined, { settings: { deployCallbackTimeoutSec: 30, automatedClean: false } });
    const n = await engine.conductor.createNode({ name: 'q', driver: 'fake-hardware', driver_info: { fake_initial_power_state: 'power on' } });
    await (await engine.conductor.provision('q', 'manage')).done;
    const after = await settle(engine, (await (await engine.conductor.provision('q', 'provide')).done).uuid);
    expect(after.provision_state).toBe('available');
    expect(after.power_state).toBe('power off');
    const moves = (await engine.nodes.listEvents({ node_uuid: n.uuid })).filter((e) => e.type === 'provision').map((e) => `${e.from}->${e.to}`);
    expect(moves).not.toContain('cleaning->clean wait');
  });

  it('a manual erase runs with automated cleaning off, and its steps do not outlive a failed clean', async () => {
    const engine = await engineWith(undefined, { settings: { deployCallbackTimeoutSec: 30, automatedClean: false } });
    const n = await engine.conductor.createNode({ name: 'm', driver: 'fake-hardware', driver_info: { fake_fail: 'clean_error' } });
    const moves = async () => (await engine.nodes.listEvents({ node_uuid: n.uuid })).filter((e) => e.type === 'provision').map((e) => `${e.from}->${e.to}`);
    await (await engine.conductor.provision('m', 'manage')).done;
    const steps = [{ interface: 'deploy', step: 'erase_devices_metadata' }];
    const failed = await settle(engine, (await (await engine.conductor.provision('m', 'clean', { clean_steps: steps })).done).uuid);
    expect(failed.provision_state).toBe('clean failed');
    expect(await moves()).toContain('cleaning->clean wait');
    await (await engine.conductor.provision('m', 'manage')).done;
    const before = (await moves()).length;
    const after = await settle(engine, (await (await engine.conductor.provision('m', 'provide')).done).uuid);
    expect(after.provision_state).toBe('available');
    // Automated cleaning is off: the failed manual clean's erase step did not carry over.
    expect((await moves()).slice(before)).toEqual(['manageable->cleaning', 'cleaning->available']);
    expect(after.driver_internal_info).not.toHaveProperty('clean_steps');
  });

  it('cleaning failures: the agent reports an erase error, or never calls back; clean failed, powered off', async () => {
    // 3 s: short for the silent agent, and room for the erroring one to call back on a loaded machine.
    const engine = await engineWith(undefined, { settings: { deployCallbackTimeoutSec: 3 } });
    for (const [name, fail, reason] of [
      ['ce', 'clean_error', /^Cleaning agent reported an error: simulated erase error: \/dev\/sda is write-protected$/],
      ['ct', 'clean_timeout', /Timeout reached while waiting for call-back from the agent of node ct \(state "clean wait"\)/],
    ] as const) {
      const n = await engine.conductor.createNode({ name, driver: 'fake-hardware', driver_info: { fake_fail: fail } });
      await (await engine.conductor.provision(name, 'manage')).done;
      const end = await settle(engine, (await (await engine.conductor.provision(name, 'provide')).done).uuid);
      expect(end.provision_state, name).toBe('clean failed');
      expect(end.last_error).toMatch(reason);
      expect(end.power_state, `${name} is powered off after failing`).toBe('power off');
      // An operator can go back to manageable and try again (Ironic's way out of clean failed).
      await (await engine.conductor.provision(n.uuid, 'manage')).done;
      expect((await settle(engine, n.uuid)).provision_state).toBe('manageable');
    }
  });

  it('the cleaning agent protocol: a fresh token, erase on ready (again after a restart), done on cleaned', async () => {
    const engine = await engineWith();
    // clean_timeout keeps the simulated agent away: this test plays the agent.
    const n = await engine.conductor.createNode({ name: 'cp', driver: 'fake-hardware', driver_info: { fake_fail: 'clean_timeout' } });
    await engine.conductor.createPort({ node_uuid: n.uuid, address: '52:54:00:12:34:77' });
    await (await engine.conductor.provision('cp', 'manage')).done;
    await (await engine.conductor.provision('cp', 'provide')).done;
    expect(await engine.nodes.getNode('cp')).toMatchObject({ provision_state: 'clean wait', power_state: 'power on' });
    const { agent_token } = await engine.conductor.lookup({ addresses: ['52:54:00:12:34:77'] });
    expect(agent_token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const beat = (agent_status: 'ready' | 'busy' | 'cleaned', extra = {}) => engine.conductor.heartbeat(n.uuid, { agent_token: agent_token!, agent_status, ...extra });
    expect(await beat('ready')).toEqual({ command: 'erase_devices_metadata', devices: '', heartbeat_interval: 2 });
    expect(await beat('busy')).toMatchObject({ command: 'wait' });
    // The agent rebooted mid-erase and says ready again: it is told to erase again.
    expect(await beat('ready')).toMatchObject({ command: 'erase_devices_metadata' });
    expect(await beat('cleaned', { erased_devices: '/dev/sda /dev/sdb' })).toMatchObject({ command: 'poweroff' });
    const end = await settle(engine, n.uuid);
    expect(end.provision_state).toBe('available');
    expect(end.power_state).toBe('power off');
    // The token died with the cleaning: a late heartbeat is refused.
    await expect(beat('cleaned')).rejects.toMatchObject({ status: 401 });
  });

  it('refuses in-band inspection on a boot interface that boots no agent, naming inspect_interface', async () => {
    const engine = await engineWith();
    await engine.conductor.createNode({ name: 'insp-fakeboot', driver: 'fake-hardware', interfaces: { inspect: 'agent' } });
    await (await engine.conductor.provision('insp-fakeboot', 'manage')).done;
    await expect(engine.conductor.provision('insp-fakeboot', 'inspect')).rejects.toMatchObject({ field: 'inspect_interface', message: expect.stringMatching(/boots nothing/) });
    const n = await engine.nodes.getNode('insp-fakeboot');
    expect(n).toMatchObject({ provision_state: 'manageable', reservation: null });
    expect((await engine.conductor.validate('insp-fakeboot')).inspect).toMatchObject({ result: false, reason: expect.stringMatching(/boots nothing/) });
  });

  it('in-band inspection with the agent: inventory merged into properties, node off and manageable; bad reports fail it', async () => {
    const engine = await engineWith();
    const ready = async (name: string, mac: string) => {
      const n = await engine.conductor.createNode({ name, driver: 'fake-hardware', interfaces: { inspect: 'agent', boot: 'ipxe' }, driver_info: PXE_INFO, properties: { capabilities: 'boot_mode:bios', cpus: 1 } });
      await engine.conductor.createPort({ node_uuid: n.uuid, address: mac });
      await (await engine.conductor.provision(name, 'manage')).done;
      await (await engine.conductor.provision(name, 'inspect')).done;
      const waiting = await engine.nodes.getNode(name);
      expect(waiting.provision_state).toBe('inspect wait');
      // Powered on to boot the agent, and recorded so (not left at the state from before the flow).
      expect(waiting.power_state).toBe('power on');
      const { agent_token } = await engine.conductor.lookup({ addresses: [mac] });
      const beat = (body: Partial<AgentHeartbeat>) => engine.conductor.heartbeat(n.uuid, { agent_token: agent_token!, agent_status: 'ready', ...body });
      return { n, beat };
    };

    const ok = await ready('insp', '52:54:00:12:35:01');
    expect(await ok.beat({ agent_status: 'ready' })).toMatchObject({ command: 'inspect' });
    expect(await ok.beat({ agent_status: 'inspected', cpus: 4, memory_mb: 8192, local_gb: 100, cpu_arch: 'x86_64' })).toMatchObject({ command: 'poweroff' });
    const done = await settle(engine, ok.n.uuid);
    expect(done.provision_state).toBe('manageable');
    expect(done.power_state).toBe('power off');
    expect(done.properties).toEqual({ capabilities: 'boot_mode:bios', cpus: 4, memory_mb: 8192, local_gb: 100, cpu_arch: 'x86_64' });
    expect(done.driver_internal_info).not.toHaveProperty('agent_secret_token');
    const reasons = (await engine.nodes.listEvents({ node_uuid: ok.n.uuid })).map((e) => e.reason);
    expect(reasons).toContain('inspected: 4 CPUs, 8192 MiB, 100 GiB disk, x86_64');

    const partial = await ready('insp-bad', '52:54:00:12:35:02');
    await partial.beat({ agent_status: 'ready' });
    await partial.beat({ agent_status: 'inspected', cpus: 4 });
    const bad = await settle(engine, partial.n.uuid);
    expect(bad.provision_state).toBe('inspect failed');
    expect(bad.last_error).toMatch(/incomplete inventory/);
    expect(bad.power_state).toBe('power off');
    expect(bad.properties).toEqual({ capabilities: 'boot_mode:bios', cpus: 1 });
  });

  it('in-band inspection without a call-back within the timeout: inspect failed, powered off', async () => {
    const engine = await engineWith(undefined, { settings: { deployCallbackTimeoutSec: 1 } });
    const silentNode = await engine.conductor.createNode({ name: 'insp-silent', driver: 'fake-hardware', interfaces: { inspect: 'agent', boot: 'ipxe' }, driver_info: PXE_INFO });
    await engine.conductor.createPort({ node_uuid: silentNode.uuid, address: '52:54:00:12:35:09' });
    await (await engine.conductor.provision('insp-silent', 'manage')).done;
    await (await engine.conductor.provision('insp-silent', 'inspect')).done;
    const silent = await settle(engine, (await engine.nodes.getNode('insp-silent')).uuid);
    expect(silent.provision_state).toBe('inspect failed');
    expect(silent.last_error).toMatch(/Timeout reached while waiting for call-back .* \(state "inspect wait"\)/);
    expect(silent.power_state).toBe('power off');
  });

  it('a failing deploy step in an apply fails the apply, skips what depended on it, and records why', async () => {
    const engine = await engineWith({
      nodes: [{ name: 'a', driver: 'fake-hardware', driver_info: { fake_fail: 'checksum_mismatch' }, power_state: 'power on' }],
      deployments: [{ name: 'web', node: 'a', image_source: 'http://img/1', image_checksum: SHA }],
    });
    const { result } = await applyAll(engine);
    expect(result.status).toBe('failed');
    const byId = Object.fromEntries(result.actions.map((a) => [a.action_id, a]));
    expect(byId['deployment/web/deploy']!.status).toBe('failed');
    expect(byId['deployment/web/deploy']!.error).toMatch(/deploy failed.*Image verification failed/);
    expect(byId['node/a/power_on']!.status).toBe('skipped');
    // Fixing the cause and applying again converges from the recorded state.
    await engine.putSpecs({
      nodes: [{ name: 'a', driver: 'fake-hardware', power_state: 'power on' }],
      deployments: [{ name: 'web', node: 'a', image_source: 'http://img/1', image_checksum: SHA }],
    });
    const second = await applyAll(engine);
    expect(second.plan.actions.map((a) => a.op)).toEqual(['update', 'rebuild', 'power_on']);
    expect(second.result.status).toBe('succeeded');
    expect((await engine.nodes.getNode('a')).provision_state).toBe('active');
  });

  it('drift: a power change behind ironplan\'s back is recorded by the sync and shows in the next plan', async () => {
    const engine = await engineWith({ nodes: [{ name: 'a', driver: 'fake-hardware', power_state: 'power off' }], deployments: [] });
    await applyAll(engine);
    expect((await engine.makePlan()).actions).toEqual([]);
    await engine.conductor.vendorPassthru('a', 'simulate_power_change', 'POST', { power_state: 'power on' });
    expect(await engine.conductor.syncPowerStates()).toBe(1);
    const plan = await engine.makePlan();
    expect(plan.actions.map((a) => a.id)).toEqual(['node/a/power_off']);
    expect(plan.actions[0]!.reasons[0]).toMatchObject({ field: 'power_state', desired: 'power off', recorded: 'power on' });
  });

  it('a wait for the agent holds no lock; the deadline is extended by each heartbeat', async () => {
    const engine = await engineWith();
    await engine.conductor.createNode({ name: 'w', driver: 'fake-hardware', driver_info: { fake_agent_delay_ms: 400 } });
    await (await engine.conductor.provision('w', 'manage')).done;
    await settle(engine, (await (await engine.conductor.provision('w', 'provide')).done).uuid);
    await (await engine.conductor.provision('w', 'deploy', { instance_info: { image_source: 'http://i', image_checksum: SHA } })).done;
    const waiting = await engine.nodes.getNode('w');
    expect(waiting.provision_state).toBe('wait call-back');
    expect(waiting.reservation).toBeNull();
    expect(waiting.provision_deadline).not.toBeNull();
    // While it waits, other operations on the node are accepted (they would 409 if a worker held it).
    const power = await engine.conductor.changePowerState('w', 'power on');
    await power.done;
    expect((await settle(engine, waiting.uuid)).provision_state).toBe('active');
  });

  it('the agent needs its token: lookup gives it once, a wrong one is refused', async () => {
    const engine = await engineWith();
    const n = await engine.conductor.createNode({ name: 'k', driver: 'fake-hardware', driver_info: { fake_fail: 'agent_timeout' } });
    await engine.conductor.createPort({ node_uuid: n.uuid, address: '52:54:00:12:34:56' });
    await (await engine.conductor.provision('k', 'manage')).done;
    await settle(engine, (await (await engine.conductor.provision('k', 'provide')).done).uuid);
    await expect(engine.conductor.lookup({ addresses: ['52:54:00:12:34:56'] })).rejects.toMatchObject({ code: 'NotFound' });
    await (await engine.conductor.provision('k', 'deploy', { instance_info: { image_source: 'http://i', image_checksum: SHA } })).done;
    const first = await engine.conductor.lookup({ addresses: ['52:54:00:12:34:56'] });
    expect(first.agent_token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect((await engine.conductor.lookup({ addresses: ['52:54:00:12:34:56'] })).agent_token).toBe('******');
    await expect(engine.conductor.heartbeat(n.uuid, { agent_token: 'wrong', agent_status: 'ready' })).rejects.toMatchObject({ status: 401 });
    const reply = await engine.conductor.heartbeat(n.uuid, { agent_token: first.agent_token!, agent_status: 'ready' });
    expect(reply).toMatchObject({ command: 'write_image', image_url: 'http://i', image_checksum: SHA });
    expect(engine.nodes.redact(await engine.nodes.getNode('k')).driver_internal_info.agent_secret_token).toBe('******');
  });

  it('refuses to delete a deployed node and to deploy one in maintenance', async () => {
    const engine = await engineWith({ nodes: [{ name: 'a', driver: 'fake-hardware' }], deployments: [{ name: 'web', node: 'a', image_source: 'http://i', image_checksum: SHA }] });
    await applyAll(engine);
    await expect(engine.conductor.deleteNode('a')).rejects.toMatchObject({ code: 'InvalidStateConflict', status: 409, message: expect.stringContaining('"active"') });
    await engine.conductor.createNode({ name: 'm', driver: 'fake-hardware', maintenance: true, maintenance_reason: 'fan' });
    await expect(engine.conductor.provision('m', 'manage')).rejects.toMatchObject({ code: 'NodeInMaintenance', message: expect.stringContaining('maintenance') });
    expect((await engine.nodes.getNode('m')).reservation).toBeNull();
  });

  it('on start-up, a node left in a transient state by a dead conductor goes to its failed state', async () => {
    const t = await openTestEngine();
    closeEngine = t.close;
    const engine = t.engine;
    const n = await engine.conductor.createNode({ name: 's', driver: 'fake-hardware' });
    // A conductor that died mid-deploy: its row says online, but its process is gone.
    await engine.store.transaction(async (tx) => {
      await tx.upsertConductor({ id: 'host-x:999999:dead', hostname: 'host-x', started_at: '2026-01-01T00:00:00Z', heartbeat_at: '2026-01-01T00:00:00Z', online: true });
      await tx.updateNode(n.uuid, n.version, { provision_state: 'deploying', target_provision_state: 'active', reservation: 'host-x:999999:dead' });
    });
    await engine.conductor.recoverOrphans();
    const after = await engine.nodes.getNode('s');
    expect(after.provision_state).toBe('deploy failed');
    expect(after.reservation).toBeNull();
    expect(after.last_error).toMatch(/interrupted/);
  });
});
