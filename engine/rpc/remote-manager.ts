// The manager interface as the API service sees it when managers run in other processes: each call goes
// over JSON-RPC to the live manager that owns the node (by the hash ring of its conductor group and
// driver). A manager that does not answer is taken as a sign the ring is stale: the ring is re-read and,
// if the node now belongs to another manager, the call goes there once; otherwise the caller is told
// the node's manager is unavailable (it moves to another once declared dead).
import type { Store } from '../store/store.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { EngineError } from '../errors.js';
import { newUuid } from '../ids.js';
import { findAgentNode } from '../conductor/agent.js';
import { getAllocation } from '../store/allocations.js';
import { getVolume } from '../store/volume.js';
import type { ClusterView } from './cluster.js';
import { ManagerUnreachable, rpcCall } from './jsonrpc.js';
import { RPC_PARAMS, type ManagerApi } from './manager-api.js';

export interface RemoteManagerOptions {
  secret: string;
  /** Per-call timeout; long work is accepted quickly and runs on in the manager. */
  timeoutMs?: number;
  /** A manager routing its own calls (an apply it runs): calls for the nodes it owns stay in process. */
  self?: { id: string; api: ManagerApi };
}

type Routed = Pick<NodeRecord, 'uuid' | 'driver'> & { conductor_group?: string | null };

export class RemoteManager implements ManagerApi {
  constructor(
    private readonly store: Store,
    private readonly cluster: ClusterView,
    private readonly opts: RemoteManagerOptions,
  ) {}

  private async urlFor(node: Routed, fresh: boolean): Promise<{ id: string; url: string }> {
    const { rings, live } = await this.cluster.current(fresh);
    const id = rings.owner(node);
    const url = id ? live.get(id)?.rpc_url : undefined;
    if (!id || !url) {
      throw new EngineError(
        'Unavailable',
        `No live manager serves hardware type "${node.driver}" in conductor group "${node.conductor_group ?? ''}"; start one (ironplan manager) or wait for one to register.`,
      );
    }
    return { id, url };
  }

  /** One call to the owner of `node`, re-routed once if the owner did not answer and the ring changed. */
  private async call<T>(node: Routed, method: keyof ManagerApi, args: unknown[]): Promise<T> {
    const params = Object.fromEntries(RPC_PARAMS[method].map((n, i) => [n, args[i]]));
    const timeout = this.opts.timeoutMs ?? 30_000;
    const self = this.opts.self;
    if (self && (await this.cluster.current()).rings.owner(node) === self.id) {
      return (self.api[method] as (...a: unknown[]) => Promise<T>)(...args);
    }
    let target = await this.urlFor(node, false);
    try {
      return await rpcCall<T>(target.url, this.opts.secret, method, params, timeout);
    } catch (err) {
      if (!(err instanceof ManagerUnreachable)) throw err;
      const again = await this.urlFor(node, true);
      if (again.id === target.id) {
        throw new EngineError('Unavailable', `The manager owning node ${node.uuid} (${target.id}) is not answering: ${err.message}. Its nodes move to another manager once it is declared dead.`);
      }
      target = again;
      return rpcCall<T>(target.url, this.opts.secret, method, params, timeout);
    }
  }

  private async callNode<T>(ident: string, method: keyof ManagerApi, args: unknown[]): Promise<T> {
    return this.call<T>(await this.store.getNode(ident), method, args);
  }

  createNode: ManagerApi['createNode'] = (input, actor) => {
    // The node's uuid decides its owner, so it is chosen here, before the call.
    const withUuid = { ...input, uuid: input.uuid ?? newUuid() };
    return this.call({ uuid: withUuid.uuid, driver: input.driver, conductor_group: (input as { conductor_group?: string }).conductor_group }, 'createNode', [withUuid, actor]);
  };
  updateNode: ManagerApi['updateNode'] = (ident, update, actor) => this.callNode(ident, 'updateNode', [ident, update, actor]);
  setMaintenance: ManagerApi['setMaintenance'] = (ident, on, reason, actor) => this.callNode(ident, 'setMaintenance', [ident, on, reason, actor]);
  deleteNode: ManagerApi['deleteNode'] = (ident, actor) => this.callNode(ident, 'deleteNode', [ident, actor]);
  createPort: ManagerApi['createPort'] = (input, actor) => this.callNode(input.node_uuid, 'createPort', [input, actor]);
  updatePort: ManagerApi['updatePort'] = async (uuid, patch, actor) => this.callNode((await this.store.getPort(uuid)).node_uuid, 'updatePort', [uuid, patch, actor]);
  deletePort: ManagerApi['deletePort'] = async (uuid, actor) => this.callNode((await this.store.getPort(uuid)).node_uuid, 'deletePort', [uuid, actor]);
  attachVif: ManagerApi['attachVif'] = (ident, vif, actor) => this.callNode(ident, 'attachVif', [ident, vif, actor]);
  detachVif: ManagerApi['detachVif'] = (ident, vifId, actor) => this.callNode(ident, 'detachVif', [ident, vifId, actor]);
  changePowerState: ManagerApi['changePowerState'] = (ident, target, actor, timeoutSec) => this.callNode(ident, 'changePowerState', [ident, target, actor, timeoutSec]);
  provision: ManagerApi['provision'] = (ident, verb, args, actor) => this.callNode(ident, 'provision', [ident, verb, args, actor]);
  getBootDevice: ManagerApi['getBootDevice'] = (ident) => this.callNode(ident, 'getBootDevice', [ident]);
  setBootDevice: ManagerApi['setBootDevice'] = (ident, device, persistent) => this.callNode(ident, 'setBootDevice', [ident, device, persistent]);
  getSupportedBootDevices: ManagerApi['getSupportedBootDevices'] = (ident) => this.callNode(ident, 'getSupportedBootDevices', [ident]);
  injectNmi: ManagerApi['injectNmi'] = (ident) => this.callNode(ident, 'injectNmi', [ident]);
  validate: ManagerApi['validate'] = (ident) => this.callNode(ident, 'validate', [ident]);
  vendorMethods: ManagerApi['vendorMethods'] = (ident) => this.callNode(ident, 'vendorMethods', [ident]);
  vendorPassthru: ManagerApi['vendorPassthru'] = (ident, method, httpMethod, body) => this.callNode(ident, 'vendorPassthru', [ident, method, httpMethod, body]);
  heartbeat: ManagerApi['heartbeat'] = (ident, body) => this.callNode(ident, 'heartbeat', [ident, body]);

  /** A call any live manager may answer (Ironic's get_random_topic), to one chosen at random. */
  private async callAny<T>(method: keyof ManagerApi, args: unknown[], what: string, driver?: string): Promise<T> {
    const { live } = await this.cluster.current(true);
    const candidates = [...live.values()].filter((c) => c.rpc_url && (!driver || c.catalog?.types.some((t) => t.name === driver)));
    if (!candidates.length) throw new EngineError('Unavailable', `No live manager to ${what}; start one (ironplan manager).`);
    const pick = candidates[Math.floor(Math.random() * candidates.length)]!;
    const params = Object.fromEntries(RPC_PARAMS[method].map((n, i) => [n, args[i]]));
    return rpcCall(pick.rpc_url!, this.opts.secret, method, params, this.opts.timeoutMs ?? 30_000);
  }

  // An apply spans nodes of every manager: any live one runs it (its flows take each node's lock).
  startApply: ManagerApi['startApply'] = (planId, opts) => this.callAny('startApply', [planId, opts], 'run the apply');

  lookup: ManagerApi['lookup'] = async (query) => {
    // The node is found here (by the manager's own rule) only to know whom to ask.
    const node = await findAgentNode(this.store, query);
    if (!node) throw new EngineError('NotFound', `No node in a state that allows lookup matches ${JSON.stringify(query)}.`);
    return this.call(node, 'lookup', [query]);
  };

  continueInspection: ManagerApi['continueInspection'] = async (query, data) => {
    const node = await findAgentNode(this.store, query);
    if (!node) throw new EngineError('NotFound', `No node waiting for in-band inspection matches ${JSON.stringify(query)}.`);
    return this.call(node, 'continueInspection', [query, data]);
  };

  // An allocation picks among every manager's nodes (the claim is one conditional write): any manager
  // does it; a backfill and a delete hold the node's lock, so they go to the node's manager.
  createAllocation: ManagerApi['createAllocation'] = (input, actor) =>
    input.node ? this.callNode(input.node, 'createAllocation', [input, actor]) : this.callAny('createAllocation', [input, actor], 'allocate a node');
  deleteAllocation: ManagerApi['deleteAllocation'] = async (ident, actor) => {
    const a = await getAllocation(this.store.db, ident);
    return a.node_uuid ? this.callNode(a.node_uuid, 'deleteAllocation', [ident, actor]) : this.callAny('deleteAllocation', [ident, actor], 'delete the allocation');
  };
  // Driver-level passthru needs no node: any manager that loaded the hardware type answers it.
  driverVendorMethods: ManagerApi['driverVendorMethods'] = (driver) => this.callAny('driverVendorMethods', [driver], `serve hardware type "${driver}"`, driver);
  driverVendorPassthru: ManagerApi['driverVendorPassthru'] = (driver, method, httpMethod, body) =>
    this.callAny('driverVendorPassthru', [driver, method, httpMethod, body], `serve hardware type "${driver}"`, driver);
  // A volume record's node decides its manager (the change holds the node's lock).
  updateVolume: ManagerApi['updateVolume'] = async (kind, uuid, change, actor) => this.callNode((await getVolume(this.store.db, kind, uuid)).node_uuid, 'updateVolume', [kind, uuid, change, actor]);
  deleteVolume: ManagerApi['deleteVolume'] = async (kind, uuid, actor) => this.callNode((await getVolume(this.store.db, kind, uuid)).node_uuid, 'deleteVolume', [kind, uuid, actor]);
}
