// Failure paths with real IPMI (ipmitool against ipmi_sim, a chassis that only records state): a wrong
// BMC password, an agent that never calls back, and a BMC that stops answering mid-deploy.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBmc, type RunningBmc } from '../../lab/bmc.js';
import { openTestEngine, SHA } from '../engine/helpers.js';
import type { Engine } from '../../engine/engine.js';
import { STABLE_STATES } from '../../engine/states.js';
import { expectNoLeaks } from '../support/leak-scan.js';

const fakeChassis = join(import.meta.dirname, '..', '..', 'lab', 'bmc', 'fake-chassis.sh');

describe('ipmi node failures (slow: real ipmi_sim)', () => {
  let engine: Engine;
  let dir: string;
  let close: () => Promise<void>;
  let bmc: RunningBmc | undefined;
  let chassisDir: string;

  beforeEach(async () => {
    // The subject is deploy failures: provide without the in-band cleaning (a 2 s call-back timeout and a
    // chassis that boots nothing would fail it; cleaning failures have their own tests).
    const t = await openTestEngine({ settings: { deployCallbackTimeoutSec: 2, automatedClean: false } as never });
    engine = t.engine;
    dir = t.dir;
    close = t.close;
    chassisDir = join(dir, 'chassis');
    mkdirSync(join(engine.settings.bootRoot), { recursive: true });
    writeFileSync(join(engine.settings.bootRoot, 'deploy.vmlinuz'), 'kernel');
    writeFileSync(join(engine.settings.bootRoot, 'deploy.initrd.gz'), 'initrd');
    bmc = await startBmc({ chassisControl: fakeChassis, env: { FAKE_CHASSIS_DIR: chassisDir }, stateDir: join(dir, 'bmc'), username: 'admin', password: 'right-pw' });
  }, 60_000);
  afterEach(async () => {
    await bmc?.stop();
    await close();
  });

  const enroll = async (password: string) => {
    const node = await engine.conductor.createNode({
      name: 'bm1',
      driver: 'ipmi',
      driver_info: {
        ipmi_address: bmc!.address,
        ipmi_port: bmc!.port,
        ipmi_username: 'admin',
        ipmi_password: password,
        ipmi_retries: 0,
        ipmi_timeout: 2,
        deploy_kernel: 'deploy.vmlinuz',
        deploy_ramdisk: 'deploy.initrd.gz',
      },
    });
    await engine.conductor.createPort({ node_uuid: node.uuid, address: '52:54:00:fa:11:01' });
    return node;
  };
  const settle = (uuid: string, ms = 30_000) =>
    engine.nodes.waitForNode(uuid, (n) => n.reservation === null && STABLE_STATES.includes(n.provision_state), ms);
  const ready = async (uuid: string) => {
    await (await engine.conductor.provision(uuid, 'manage')).done;
    await (await engine.conductor.provision(uuid, 'provide')).done;
    expect((await settle(uuid)).provision_state).toBe('available');
    await (await engine.conductor.provision(uuid, 'deploy', { instance_info: { image_source: 'http://10.0.2.2:1/x.raw', image_checksum: SHA } })).done;
  };

  it('a wrong BMC password fails verification: the node stays in enroll with the reason', async () => {
    const node = await enroll('wrong-pw');
    await (await engine.conductor.provision(node.uuid, 'manage')).done;
    const after = await settle(node.uuid);
    expect(after.provision_state).toBe('enroll');
    expect(after.last_error).toMatch(/password/i);
    expect(JSON.stringify(engine.nodes.redact(after))).not.toContain('wrong-pw');
    expectNoLeaks({ secrets: ['wrong-pw'], sqliteFiles: [join(dir, 'ironplan.db')], texts: { events: JSON.stringify(await engine.nodes.listEvents()) } });
  }, 60_000);

  it('an agent that never calls back: deploy failed on the timeout, and the node is powered off over IPMI', async () => {
    const node = await enroll('right-pw');
    await ready(node.uuid);
    expect(readFileSync(join(chassisDir, 'power'), 'utf8').trim()).toBe('1');
    expect(readFileSync(join(chassisDir, 'boot'), 'utf8').trim()).toBe('pxe');
    const after = await settle(node.uuid);
    expect(after.provision_state).toBe('deploy failed');
    expect(after.last_error).toMatch(/Timeout reached while waiting for call-back/);
    expect(after.power_state).toBe('power off');
    expect(readFileSync(join(chassisDir, 'power'), 'utf8').trim()).toBe('0');
  }, 60_000);

  it('the BMC stops answering mid-deploy: deploy failed naming the unreachable BMC, never active', async () => {
    // A long enough call-back window that the agent's report arrives first.
    (engine.settings as { deployCallbackTimeoutSec: number }).deployCallbackTimeoutSec = 60;
    const node = await enroll('right-pw');
    await ready(node.uuid);
    const { agent_token } = await engine.conductor.lookup({ addresses: ['52:54:00:fa:11:01'] });
    expect((await engine.conductor.heartbeat(node.uuid, { agent_token: agent_token!, agent_status: 'ready' })).command).toBe('write_image');
    await bmc!.stop();
    bmc = undefined;
    await engine.conductor.heartbeat(node.uuid, { agent_token: agent_token!, agent_status: 'written', image_checksum_computed: SHA });
    const after = await settle(node.uuid);
    expect(after.provision_state).toBe('deploy failed');
    expect(after.last_error).toMatch(/did not answer|unreachable/i);
  }, 60_000);
});
