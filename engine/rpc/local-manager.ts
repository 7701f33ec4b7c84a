// The manager interface over a conductor in this process: what `serve` and each `ironplan manager` run.
// The API's routes in `serve` call it directly; a manager's RPC listener dispatches to it.
import type { Conductor } from '../conductor.js';
import type { ManagerApi } from './manager-api.js';
import { RPC_METHODS, RPC_PARAMS } from './manager-api.js';
import type { RpcMethods } from './jsonrpc.js';

/** What runs an apply in this process (the engine facade). */
export interface ApplyRunner {
  applyPlan(planId: string, opts: { concurrency?: number }): Promise<{ apply_id: string; done?: Promise<unknown> }>;
}

export function localManager(c: Conductor, applies: ApplyRunner): ManagerApi {
  return {
    createNode: (input, actor) => c.createNode(input, actor),
    updateNode: (ident, update, actor) => c.updateNode(ident, update, actor),
    setMaintenance: (ident, on, reason, actor) => c.setMaintenance(ident, on, reason, actor),
    deleteNode: (ident, actor) => c.deleteNode(ident, actor),
    createPort: (input, actor) => c.createPort(input, actor),
    updatePort: (uuid, patch, actor) => c.updatePort(uuid, patch, actor),
    deletePort: (uuid, actor) => c.deletePort(uuid, actor),
    attachVif: (ident, vif, actor) => c.attachVif(ident, vif, actor),
    detachVif: (ident, vifId, actor) => c.detachVif(ident, vifId, actor),
    async changePowerState(ident, target, actor, timeoutSec) {
      const op = await c.changePowerState(ident, target, actor, timeoutSec);
      // Its outcome is recorded on the node (last_error, events), not thrown at the caller.
      op.done.catch(() => {});
      return op.node;
    },
    async provision(ident, verb, args, actor) {
      const op = await c.provision(ident, verb, args ?? {}, actor);
      op.done.catch(() => {});
      return op.node;
    },
    getBootDevice: (ident) => c.getBootDevice(ident),
    setBootDevice: (ident, device, persistent) => c.setBootDevice(ident, device, persistent),
    getSupportedBootDevices: (ident) => c.getSupportedBootDevices(ident),
    injectNmi: (ident) => c.injectNmi(ident),
    validate: (ident) => c.validate(ident),
    vendorMethods: (ident) => c.vendorMethods(ident),
    vendorPassthru: (ident, method, httpMethod, body) => c.vendorPassthru(ident, method, httpMethod, body),
    lookup: (query) => c.lookup(query),
    heartbeat: (ident, body) => c.heartbeat(ident, body),
    continueInspection: (query, data) => c.continueInspection(query, data),
    async startApply(planId, opts) {
      const started = await applies.applyPlan(planId, opts ?? {});
      // The apply's outcome is recorded action by action; nobody awaits it here.
      started.done?.catch(() => {});
      return { apply_id: started.apply_id };
    },
    createAllocation: (input, actor) => c.createAllocation(input, actor),
    deleteAllocation: (ident, actor) => c.deleteAllocation(ident, actor),
    driverVendorMethods: (driver) => c.driverVendorMethods(driver),
    driverVendorPassthru: (driver, method, httpMethod, body) => c.driverVendorPassthru(driver, method, httpMethod, body),
    updateVolume: (kind, uuid, change, actor) => c.updateVolume(kind, uuid, change, actor),
    deleteVolume: (kind, uuid, actor) => c.deleteVolume(kind, uuid, actor),
  };
}

/** The RPC listener's method table: each JSON-RPC call's by-name params spread into the manager call. */
export function rpcMethodsFor(api: ManagerApi): RpcMethods {
  const out: RpcMethods = {};
  for (const m of RPC_METHODS) {
    const names = RPC_PARAMS[m];
    out[m] = (params: Record<string, unknown>) => (api[m] as (...a: unknown[]) => Promise<unknown>)(...names.map((n) => params?.[n]));
  }
  return out;
}
