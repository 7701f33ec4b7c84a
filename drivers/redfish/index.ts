// The redfish interfaces (Ironic's redfish hardware type): power, management (boot device, boot mode,
// Secure Boot, NMI, BIOS), out-of-band inspection and the virtual-media boot, sharing one HTTP client and
// so its connections and sessions.
import type { DriverRegistrar } from '../types.js';
import { RedfishClient } from './client.js';
import { RedfishDriverInfoSchema } from './driver-info.js';
import { createRedfishBios } from './bios.js';
import { createRedfishInspect } from './inspect.js';
import { createRedfishManagement } from './management.js';
import { createRedfishPower } from './power.js';
import { createRedfishVirtualMediaBoot } from './virtual-media.js';

export { RedfishClient } from './client.js';
export { RedfishDriverInfoSchema, type RedfishConnection } from './driver-info.js';

export function register(registry: DriverRegistrar, options: { client?: RedfishClient } = {}): void {
  const deps = { client: options.client ?? new RedfishClient(), driverInfo: new RedfishDriverInfoSchema() };
  registry.registerInterface('power', createRedfishPower(deps));
  registry.registerInterface('management', createRedfishManagement(deps, createRedfishBios(deps)));
  registry.registerInterface('inspect', createRedfishInspect(deps));
  registry.registerInterface('boot', createRedfishVirtualMediaBoot(deps));
}
