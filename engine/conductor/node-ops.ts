// Operations on a node outside the provision state machine: power changes, the boot device, Ironic's
// node validate, and vendor passthru. Each goes to the node's driver interfaces as they are.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { BootDevice, BootDeviceInfo, PowerState, Task } from '../../contract/types.js';
import { EngineError, invalidParameter } from '../errors.js';
import type { Operation, PowerTarget, ValidationReport, VendorMethodInfo } from './types.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';

/** Accepts a power change (NodeLocked if the node is busy) and carries it out in the background. */
const POWER_TARGETS: readonly PowerTarget[] = ['power on', 'power off', 'reboot', 'soft power off', 'soft reboot'];
/** Ironic's [conductor]soft_power_off_timeout: how long an OS has to shut down when no timeout is given. */
const SOFT_POWER_OFF_TIMEOUT_SEC = 600;
/** The power state each target ends in. */
const ENDS_IN: Record<PowerTarget, PowerState> = { 'power on': 'power on', 'power off': 'power off', reboot: 'power on', 'soft power off': 'power off', 'soft reboot': 'power on' };
/** Ironic's names of the soft targets, for its refusal's words. */
const IRONIC_NAME: Partial<Record<PowerTarget, string>> = { 'soft reboot': 'soft rebooting' };

/** Carries out a power target with the node's power interface (soft ones checked available by the caller). */
async function powerAction(task: Task, target: PowerTarget, timeoutSec: number | undefined): Promise<void> {
  const power = task.driver.power;
  switch (target) {
    case 'reboot':
      return power.reboot(task, timeoutSec);
    case 'soft power off':
      return power.softPowerOff!(task, timeoutSec ?? SOFT_POWER_OFF_TIMEOUT_SEC);
    case 'soft reboot':
      // A soft power off (if on), then power on: Ironic's ipmitool soft reboot.
      if ((await power.getPowerState(task)) === 'power on') await power.softPowerOff!(task, timeoutSec ?? SOFT_POWER_OFF_TIMEOUT_SEC);
      return power.setPowerState(task, 'power on', timeoutSec);
    default:
      return power.setPowerState(task, target, timeoutSec);
  }
}

export async function changePowerState(tm: TaskManager, ident: string, target: PowerTarget, actor: string, timeoutSec?: number): Promise<Operation> {
  if (!POWER_TARGETS.includes(target)) throw invalidParameter('target', `"${target}" is not one of ${POWER_TARGETS.join(', ')}`);
  if (timeoutSec !== undefined && (!Number.isInteger(timeoutSec) || timeoutSec < 1)) throw invalidParameter('timeout', 'timeout has to be positive integer');
  const node = await tm.reserve(ident);
  let accepted: NodeRecord;
  try {
    if ((target === 'soft power off' || target === 'soft reboot') && !tm.registry.driverFor(node).power.softPowerOff) {
      // Ironic's refusal, synchronous as in its conductor, for a power interface without soft power.
      throw new EngineError('InvalidParameter', `The driver ${node.driver} does not support the power state, ${IRONIC_NAME[target] ?? target}`, 'target');
    }
    accepted = await tm.store.transaction((tx) => tx.updateNode(node.uuid, node.version, { target_power_state: ENDS_IN[target], last_error: null }, node));
  } catch (err) {
    await tm.release(node.uuid);
    throw err;
  }
  const done = tm.track(
    (async () => {
      try {
        const task = await tm.makeTask(node.uuid, accepted);
        try {
          await task.driver.power.validate(task);
          await powerAction(task, target, timeoutSec);
          return await tm.recordPower(node.uuid, { to: ENDS_IN[target], verb: target, actor, reason: null, patch: { target_power_state: null } });
        } catch (err) {
          const msg = `Failed to change power state to "${target}": ${errorMessage(err)}`;
          return await tm.recordPower(node.uuid, { to: null, verb: target, actor, reason: msg, patch: { target_power_state: null, last_error: msg } });
        }
      } finally {
        await tm.release(node.uuid);
      }
    })(),
  );
  return { node: accepted, done };
}

export function getBootDevice(tm: TaskManager, ident: string): Promise<BootDeviceInfo> {
  return tm.withTask(ident, (task) => task.driver.management.getBootDevice(task));
}

export function setBootDevice(tm: TaskManager, ident: string, device: BootDevice, persistent: boolean): Promise<void> {
  return tm.withTask(ident, async (task) => {
    const supported = await task.driver.management.getSupportedBootDevices(task);
    if (!supported.includes(device)) throw invalidParameter('boot_device', `"${device}" is not supported by this node (supported: ${supported.join(', ')})`);
    await task.driver.management.setBootDevice(task, device, persistent);
  });
}

/** Ironic's inject_nmi: a management interface without it is a 400 naming the interface. */
export function injectNmi(tm: TaskManager, ident: string): Promise<void> {
  return tm.withTask(ident, async (task) => {
    const management = task.driver.management;
    // Ironic's words (UnsupportedDriverExtension).
    if (!management.injectNmi) throw invalidParameter('management_interface', `Driver ${task.node.driver} does not support inject_nmi (disabled or not implemented).`);
    await management.injectNmi(task);
  });
}

export async function getSupportedBootDevices(tm: TaskManager, ident: string): Promise<BootDevice[]> {
  const node = await tm.store.getNode(ident);
  const task = await tm.makeTask(node.uuid, node);
  return task.driver.management.getSupportedBootDevices(task);
}

/** Ironic's node validate: each interface's validate(), without taking the lock. */
export async function validate(tm: TaskManager, ident: string): Promise<ValidationReport> {
  const node = await tm.store.getNode(ident);
  const task = await tm.makeTask(node.uuid, node);
  const report: ValidationReport = {};
  // Not vendor: Ironic's validate leaves it out (its methods check their own arguments).
  const kinds = ['power', 'management', 'boot', 'deploy', 'inspect'] as const;
  for (const kind of kinds) {
    try {
      if (kind === 'power') tm.registry.validateDriverInfo(node.interfaces, node.driver_info);
      await task.driver[kind].validate(task);
      report[kind] = { result: true, reason: null };
    } catch (err) {
      report[kind] = { result: false, reason: errorMessage(err) };
    }
  }
  if (node.interfaces.inspect === 'no-inspect') report.inspect = { result: null, reason: 'not supported' };
  return report;
}

export async function vendorMethods(tm: TaskManager, ident: string): Promise<Record<string, VendorMethodInfo>> {
  const node = await tm.store.getNode(ident);
  const vendor = tm.registry.driverFor(node).vendor;
  const out: Record<string, VendorMethodInfo> = {};
  for (const [name, m] of Object.entries(vendor.methods)) {
    out[name] = { http_methods: m.http_methods, description: m.description, async: m.async, require_exclusive_lock: m.require_exclusive_lock !== false };
  }
  return out;
}

/** Vendor passthru: handed to the driver as is; ironplan neither stores nor inspects the messages. */
export async function vendorPassthru(tm: TaskManager, ident: string, method: string, httpMethod: string, body: unknown): Promise<{ async: boolean; result: unknown }> {
  const node = await tm.store.getNode(ident);
  const vendor = tm.registry.driverFor(node).vendor;
  // Own methods only: "__proto__" or "constructor" would otherwise find Object's and fail as a 500.
  const m = Object.hasOwn(vendor.methods, method) ? vendor.methods[method] : undefined;
  if (!m) throw new EngineError('InvalidParameter', `method: no vendor passthru method "${method}" (known: ${Object.keys(vendor.methods).join(', ') || 'none'})`, 'method');
  if (!m.http_methods.includes(httpMethod as never)) throw new EngineError('InvalidParameter', `method ${method} does not accept HTTP ${httpMethod} (accepts ${m.http_methods.join(', ')})`, 'method');
  const run = async () => {
    if (m.require_exclusive_lock === false) return m.handler(await tm.makeTask(node.uuid, node), httpMethod, body);
    return tm.withTask(node.uuid, (task) => m.handler(task, httpMethod, body));
  };
  if (m.async) {
    tm.track(run()).catch((err) => tm.log.warn({ node: node.uuid, method, err: errorMessage(err) }, 'vendor passthru failed'));
    return { async: true, result: null };
  }
  return { async: false, result: await run() };
}
