// The drivers that ship with ironplan, and their hardware types.
import type { DriverRegistrar } from './types.js';
import { register as registerFake } from './fake/index.js';
import { AgentDeploy } from './agent/deploy.js';

export function register(registry: DriverRegistrar): void {
  registerFake(registry);
  registry.registerInterface('deploy', new AgentDeploy());
  registry.registerHardwareType({
    name: 'fake-hardware',
    description: 'Simulated hardware for users and tests without machines: every interface, with delays and injected failures.',
    interfaces: {
      power: { supported: ['fake'], default: 'fake' },
      management: { supported: ['fake'], default: 'fake' },
      boot: { supported: ['fake'], default: 'fake' },
      deploy: { supported: ['fake-agent'], default: 'fake-agent' },
      inspect: { supported: ['fake', 'no-inspect'], default: 'fake' },
      vendor: { supported: ['fake', 'no-vendor'], default: 'fake' },
    },
  });
}
