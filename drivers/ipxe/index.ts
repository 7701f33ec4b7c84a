// iPXE network boot: registers the `ipxe` boot interface.
import type { DriverRegistrar } from '../types.js';
import { IpxeBoot } from './boot.js';

export { IpxeBoot, CHAIN_SCRIPT_NAME, resolveBootFileUrl, writeFileAtomic } from './boot.js';
export { IPXE_LOADERS, installIpxeLoaders } from './loaders.js';
export {
  deployKernelArgs,
  macToHexhyp,
  nodeScriptName,
  renderChainScript,
  renderDeployScript,
  renderLocalBootScript,
  type DeployScriptOptions,
} from './scripts.js';

export function register(registry: Pick<DriverRegistrar, 'registerInterface'>): void {
  registry.registerInterface('boot', new IpxeBoot());
}
