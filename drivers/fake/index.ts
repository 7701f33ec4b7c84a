// fake-hardware: every interface, backed by state kept on the node itself (the "simulated BMC"), with
// configurable delays and injected failures, so users without hardware can exercise every path.
import {
  DriverError,
  type BootDevice,
  type BootInterface,
  type DriverRegistrar,
  type DeployInterface,
  type InspectInterface,
  type ManagementInterface,
  type PowerInterface,
  type PowerState,
  type StepResult,
  type Task,
  type VendorInterface,
} from '../types.js';
import { fakeDriverInfoSchema, fakeInfo, sleep } from './settings.js';
import { FakeAgentDeploy } from './agent-sim.js';
import { FakeBios } from './bios.js';

async function simulateBmc(task: Task): Promise<void> {
  const info = fakeInfo(task);
  await sleep(info.fake_power_delay_ms);
  if (info.fake_fail === 'bmc_unreachable') throw new DriverError('BmcUnreachable', `fake BMC of node ${task.node.uuid} does not answer`);
  if (info.fake_fail === 'power') throw new DriverError('PowerStateFailure', `fake BMC of node ${task.node.uuid} refused the power change (injected failure)`);
}

/**
 * The simulated BMCs live in this process, as a real BMC lives in its machine: they are not ironplan's
 * records (which is what lets tests change them "behind ironplan's back"). After a restart a simulated
 * BMC starts from the recorded power state, as Ironic's fake power interface reports it.
 */
export class FakeBmcs {
  private readonly power = new Map<string, PowerState>();
  private readonly boot = new Map<string, { device: BootDevice; persistent: boolean }>();
  getPower(task: Task): PowerState {
    return this.power.get(task.node.uuid) ?? task.node.power_state ?? fakeInfo(task).fake_initial_power_state;
  }
  setPower(task: Task, state: PowerState): void {
    this.power.set(task.node.uuid, state);
  }
  getBoot(task: Task): { device: BootDevice; persistent: boolean } {
    return this.boot.get(task.node.uuid) ?? { device: 'disk', persistent: true };
  }
  setBoot(task: Task, device: BootDevice, persistent: boolean): void {
    this.boot.set(task.node.uuid, { device, persistent });
  }
}

export class FakePower implements PowerInterface {
  readonly name = 'fake';
  readonly driverInfoSchema = fakeDriverInfoSchema;
  constructor(private readonly bmcs: FakeBmcs) {}
  async validate(): Promise<void> {}
  async getPowerState(task: Task): Promise<PowerState> {
    if (fakeInfo(task).fake_fail === 'bmc_unreachable') throw new DriverError('BmcUnreachable', `fake BMC of node ${task.node.uuid} does not answer`);
    return this.bmcs.getPower(task);
  }
  async setPowerState(task: Task, state: PowerState): Promise<void> {
    await simulateBmc(task);
    this.bmcs.setPower(task, state);
  }
  async reboot(task: Task): Promise<void> {
    await simulateBmc(task);
    this.bmcs.setPower(task, 'power on');
  }
  /** The simulated OS shuts down at once (Ironic's fake power interface supports soft power too). */
  async softPowerOff(task: Task): Promise<void> {
    await simulateBmc(task);
    this.bmcs.setPower(task, 'power off');
  }
}

const FAKE_BOOT_DEVICES: BootDevice[] = ['pxe', 'disk', 'cdrom', 'bios', 'safe'];

export class FakeManagement implements ManagementInterface {
  readonly name = 'fake';
  readonly bios = new FakeBios();
  constructor(private readonly bmcs: FakeBmcs) {}
  async validate(): Promise<void> {}
  async getBootDevice(task: Task) {
    const d = this.bmcs.getBoot(task);
    return { boot_device: d.device, persistent: d.persistent };
  }
  async setBootDevice(task: Task, device: BootDevice, persistent: boolean): Promise<void> {
    if (!FAKE_BOOT_DEVICES.includes(device)) throw new DriverError('UnsupportedDevice', `boot device ${device} is not supported`);
    await simulateBmc(task);
    this.bmcs.setBoot(task, device, persistent);
  }
  async getSupportedBootDevices(): Promise<BootDevice[]> {
    return [...FAKE_BOOT_DEVICES];
  }
  // No injectNmi: Ironic's fake management has none either, so an NMI to fake-hardware is a 400 there too.
  async getPciDevices(): Promise<unknown> {
    return { pci_devices: [{ address: '0000:00:03.0', vendor_id: '1af4', product_id: '1000', class: '020000', description: 'fake virtio network device' }] };
  }
}

export class FakeBoot implements BootInterface {
  readonly name = 'fake';
  readonly bootsAgent = false;
  async validate(): Promise<void> {}
  async prepareRamdisk(): Promise<void> {}
  async cleanUpRamdisk(): Promise<void> {}
  async prepareInstance(): Promise<void> {}
  async cleanUpInstance(): Promise<void> {}
}

/**
 * Ironic's fake deploy: nothing is written, no image is needed, the node is simply active (powered on).
 * For API users and tests that want the state machine without an agent; `fake-agent` simulates one.
 */
export class FakeDeploy implements DeployInterface {
  readonly name = 'fake';
  async validate(): Promise<void> {}
  async deploy(task: Task): Promise<StepResult> {
    await task.driver.power.setPowerState(task, 'power on');
    return { done: true };
  }
  async heartbeat(task: Task): Promise<never> {
    throw new DriverError('InvalidParameterValue', `deploy interface "fake" of node ${task.node.uuid} runs no agent; no heartbeat is expected`);
  }
  async finish(): Promise<void> {}
  async tearDown(task: Task): Promise<void> {
    await task.driver.power.setPowerState(task, 'power off');
  }
  async takeOver(): Promise<void> {}
  async clean(task: Task): Promise<StepResult> {
    await task.driver.power.setPowerState(task, 'power off');
    return { done: true };
  }
  /** Ironic's fake rescue: the node is rescued at once; it stays powered on. */
  async rescue(task: Task): Promise<void> {
    await task.driver.power.setPowerState(task, 'power on');
  }
  async unrescue(task: Task): Promise<void> {
    await task.driver.power.setPowerState(task, 'power on');
  }
  /** Servicing (1.87): the one step, a reboot of the simulated machine. */
  readonly serviceSteps = ['reboot'] as const;
  /** Nothing of the fake deploy boots a ramdisk. */
  readonly ramdiskFreeSteps = ['reboot'] as const;
  async service(task: Task): Promise<void> {
    for (const s of (task.node.driver_internal_info.service_steps as Array<{ step: string }> | undefined) ?? []) {
      if (s.step === 'reboot') await task.driver.power.reboot(task);
    }
  }
}

export class FakeInspect implements InspectInterface {
  readonly name = 'fake';
  async validate(): Promise<void> {}
  async inspect(task: Task) {
    await sleep(fakeInfo(task).fake_agent_delay_ms);
    return { done: true } as const;
  }
}

export class NoInspect implements InspectInterface {
  readonly name = 'no-inspect';
  async validate(): Promise<void> {}
  async inspect(): Promise<never> {
    throw new DriverError('UnsupportedDriverExtension', 'this node has no inspect interface (no-inspect): inspection is not supported');
  }
}

export class FakeVendor implements VendorInterface {
  readonly name = 'fake';
  constructor(private readonly bmcs: FakeBmcs) {}
  async validate(): Promise<void> {}
  readonly methods: VendorInterface['methods'] = {
    simulate_power_change: {
      http_methods: ['POST'],
      description: 'Change the simulated BMC power state behind ironplan\'s back (to exercise drift detection). Body: {"power_state": "power on"|"power off"}.',
      async: false,
      require_exclusive_lock: false,
      handler: async (task, _method, body) => {
        const state = (body as { power_state?: string } | null)?.power_state;
        if (state !== 'power on' && state !== 'power off') throw new DriverError('InvalidParameterValue', 'power_state must be "power on" or "power off"', 'power_state');
        this.bmcs.setPower(task, state);
        return { power_state: state };
      },
    },
    echo: {
      http_methods: ['GET', 'POST'],
      description: 'Return the request body unchanged.',
      async: false,
      require_exclusive_lock: false,
      handler: async (_task, method, body) => ({ method, body }),
    },
  };
  /** Driver-level passthru, as Ironic's fake vendor has one: no node, no lock. */
  readonly driverMethods: NonNullable<VendorInterface['driverMethods']> = {
    fake_driver_method: {
      http_methods: ['GET', 'POST'],
      description: 'Return the request body and the HTTP method unchanged (a driver-level method: no node).',
      async: false,
      handler: async (_ctx, method, body) => ({ method, body }),
    },
  };
}

export class NoVendor implements VendorInterface {
  readonly name = 'no-vendor';
  readonly methods = {};
  async validate(): Promise<void> {}
}

export function register(registry: DriverRegistrar): void {
  const bmcs = new FakeBmcs();
  registry.registerInterface('power', new FakePower(bmcs));
  registry.registerInterface('management', new FakeManagement(bmcs));
  registry.registerInterface('boot', new FakeBoot());
  registry.registerInterface('deploy', new FakeAgentDeploy());
  registry.registerInterface('deploy', new FakeDeploy());
  registry.registerInterface('inspect', new FakeInspect());
  registry.registerInterface('inspect', new NoInspect());
  registry.registerInterface('vendor', new FakeVendor(bmcs));
  registry.registerInterface('vendor', new NoVendor());
}
