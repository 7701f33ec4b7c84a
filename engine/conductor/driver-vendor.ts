// Driver-level vendor passthru (Ironic's driver_vendor_passthru, API 1.1): methods of a hardware type's
// default vendor interface that need no node. Like node passthru, the messages are handed to the driver as
// they are; ironplan neither stores nor inspects them.
import type { VendorInterface } from '../../contract/types.js';
import { EngineError } from '../errors.js';
import { errorMessage, type TaskManager } from './task-manager.js';
import type { VendorMethodInfo } from './types.js';

/** The default vendor interface of a hardware type (404 for a driver no manager has, as Ironic's DriverNotFound). */
function vendorOf(tm: TaskManager, driver: string): VendorInterface {
  if (!tm.registry.hardwareTypes().some((t) => t.name === driver)) throw new EngineError('NotFound', `Could not find the following driver(s) or hardware type(s): ${driver}.`);
  return tm.registry.getInterface('vendor', tm.registry.resolveInterfaces(driver).vendor);
}

export function driverVendorMethods(tm: TaskManager, driver: string): Record<string, VendorMethodInfo> {
  const out: Record<string, VendorMethodInfo> = {};
  for (const [name, m] of Object.entries(vendorOf(tm, driver).driverMethods ?? {})) {
    out[name] = { http_methods: m.http_methods, description: m.description, async: m.async, require_exclusive_lock: false };
  }
  return out;
}

export async function driverVendorPassthru(tm: TaskManager, driver: string, method: string, httpMethod: string, body: unknown): Promise<{ async: boolean; result: unknown }> {
  const methods = vendorOf(tm, driver).driverMethods ?? {};
  // Only the driver's own methods: a name like __proto__ or constructor must not find Object's.
  const m = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!m) throw new EngineError('InvalidParameter', `method: no driver vendor passthru method "${method}" for driver ${driver} (known: ${Object.keys(methods).join(', ') || 'none'})`, 'method');
  if (!m.http_methods.includes(httpMethod as never)) throw new EngineError('InvalidParameter', `method ${method} does not accept HTTP ${httpMethod} (accepts ${m.http_methods.join(', ')})`, 'method');
  const run = () => m.handler({ log: tm.log, settings: tm.settings }, httpMethod, body);
  if (m.async) {
    tm.track(run()).catch((err) => tm.log.warn({ driver, method, err: errorMessage(err) }, 'driver vendor passthru failed'));
    return { async: true, result: null };
  }
  return { async: false, result: await run() };
}
