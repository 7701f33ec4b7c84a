// The drivers that ship with ironplan, and their hardware types.
import type { DriverModule, DriverRegistrar, Logger } from './types.js';
import { register as registerFake } from './fake/index.js';
import { register as registerIpmi } from './ipmi/index.js';
import { register as registerIpxe } from './ipxe/index.js';
import { register as registerRedfish } from './redfish/index.js';
import { AgentDeploy } from './agent/deploy.js';
import { AgentInspect } from './agent/inspect.js';

export function register(registry: DriverRegistrar, options: { log?: Logger } = {}): void {
  registerFake(registry);
  registerIpmi(registry, options);
  registerIpxe(registry);
  registerRedfish(registry);
  registry.registerInterface('deploy', new AgentDeploy());
  registry.registerInterface('inspect', new AgentInspect());
  registry.registerHardwareType({
    name: 'fake-hardware',
    description: 'Simulated hardware for users and tests without machines: every interface, with delays and injected failures.',
    interfaces: {
      power: { supported: ['fake'], default: 'fake' },
      management: { supported: ['fake'], default: 'fake' },
      boot: { supported: ['fake', 'ipxe'], default: 'fake' },
      // Ironic's fake-hardware deploys with `fake` (no image, no agent); ours defaults to `fake-agent`, which
      // runs the real agent protocol against a simulated agent.
      deploy: { supported: ['fake-agent', 'agent', 'fake'], default: 'fake-agent' },
      inspect: { supported: ['fake', 'agent', 'no-inspect'], default: 'fake' },
      vendor: { supported: ['fake', 'no-vendor'], default: 'fake' },
    },
  });
  registry.registerHardwareType({
    name: 'ipmi',
    description: 'Machines with an IPMI 2.0 BMC (ipmitool over LAN), network-booted with iPXE and deployed by the ramdisk agent.',
    interfaces: {
      power: { supported: ['ipmitool'], default: 'ipmitool' },
      management: { supported: ['ipmitool'], default: 'ipmitool' },
      boot: { supported: ['ipxe'], default: 'ipxe' },
      deploy: { supported: ['agent'], default: 'agent' },
      inspect: { supported: ['agent', 'no-inspect'], default: 'agent' },
      vendor: { supported: ['no-vendor'], default: 'no-vendor' },
    },
  });
  registry.registerHardwareType({
    name: 'redfish',
    description: 'Machines with a DMTF Redfish BMC (HTTPS): power, boot device and mode, Secure Boot, BIOS settings and out-of-band inspection; the deploy ramdisk network-booted with iPXE or attached as virtual media, deployed by the ramdisk agent.',
    interfaces: {
      power: { supported: ['redfish'], default: 'redfish' },
      management: { supported: ['redfish'], default: 'redfish' },
      boot: { supported: ['ipxe', 'redfish-virtual-media'], default: 'ipxe' },
      deploy: { supported: ['agent'], default: 'agent' },
      inspect: { supported: ['redfish', 'agent', 'no-inspect'], default: 'redfish' },
      vendor: { supported: ['no-vendor'], default: 'no-vendor' },
    },
  });
}

/** The built-in drivers as the module Engine.open loads: `Engine.open({ database, drivers: [builtinDrivers] })`. */
export const builtinDrivers: DriverModule = { register };
