// The manager (Ironic's conductor), entry points only, as Ironic's manager.py: each method hands its
// work to the module that does it (engine/conductor/). Every operation takes the node's lock, moves the
// node through the state-machine table and records each step (with an event) in one transaction, so a
// crash leaves a state the next start can recover from.
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { NodeRecord } from '../contract/generated/node-record.js';
import type { PortRecord } from '../contract/generated/port-record.js';
import type { AgentChannel, AgentCommand, AgentHeartbeat, BootDevice, BootDeviceInfo, Logger, PowerState, ServiceSettings } from '../contract/types.js';
import type { Store } from './store/store.js';
import type { DriverRegistry } from './drivers/registry.js';
import type { UserVerb } from './states.js';
import type { ConductorOptions, NodeCreate, NodeUpdate, Operation, PortCreate, PortUpdate, PowerTarget, ProvisionArgs, ValidationReport, VendorMethodInfo } from './conductor/types.js';
import { TaskManager } from './conductor/task-manager.js';
import { Liveness } from './conductor/liveness.js';
import { Periodic } from './conductor/periodic.js';
import { Ownership } from './conductor/ownership.js';
import type { ClusterView } from './rpc/cluster.js';
import * as records from './conductor/records.js';
import * as vifs from './conductor/vifs.js';
import * as allocations from './conductor/allocations.js';
import * as driverVendor from './conductor/driver-vendor.js';
import * as volume from './conductor/volume.js';
import type { VolumeChange, VolumeKind, VolumeRecords } from './store/volume.js';
import type { AllocationRecord } from './generated/allocation-record.js';
import * as nodeOps from './conductor/node-ops.js';
import * as agent from './conductor/agent.js';
import * as inspection from './conductor/inspection.js';
import type { ContinueInspection } from './generated/continue-inspection.js';
import { provision } from './conductor/provision.js';

export type { ConductorOptions, NodeCreate, NodeUpdate, Operation, ProvisionArgs, ValidationReport } from './conductor/types.js';
export { errorMessage } from './conductor/task-manager.js';

export class Conductor implements AgentChannel {
  readonly id: string;
  readonly events = new EventEmitter();
  private readonly store: Store;
  private readonly registry: DriverRegistry;
  readonly settings: ServiceSettings;
  private readonly log: Logger;
  private readonly tasks: TaskManager;
  private readonly liveness: Liveness;
  private readonly periodic: Periodic;
  private readonly ownership: Ownership;

  constructor(private readonly opts: ConductorOptions) {
    this.store = opts.store;
    this.registry = opts.registry;
    this.settings = opts.settings;
    this.log = opts.log;
    this.id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.events.setMaxListeners(0);
    this.store.writer = this.id;
    this.store.onEvents = (events) => {
      for (const e of events) this.events.emit('event', e);
    };
    this.tasks = new TaskManager({ id: this.id, store: this.store, registry: this.registry, settings: this.settings, log: this.log, events: this.events, agent: this });
    const heartbeatIntervalSec = opts.heartbeatIntervalSec ?? 10;
    const heartbeatTimeoutSec = opts.heartbeatTimeoutSec ?? 60;
    this.ownership = new Ownership(this.tasks, { heartbeatTimeoutSec, refreshMs: heartbeatIntervalSec * 1000 });
    this.liveness = new Liveness(this.tasks, this.ownership, { group: opts.group ?? '', rpcUrl: opts.rpcUrl ?? null });
    this.periodic = new Periodic(this.tasks, this.ownership);
  }

  /** The managers' view this conductor routes and filters by (live members, hash rings). */
  get cluster(): ClusterView {
    return this.ownership.cluster;
  }

  // ---------------------------------------------------------------- life cycle

  async start(): Promise<void> {
    await this.liveness.register();
    await this.liveness.recoverOrphans();
    await this.ownership.takeOverNewlyOwned();
    this.periodic.start(this.liveness, {
      heartbeatIntervalSec: this.opts.heartbeatIntervalSec ?? 10,
      deadlineCheckIntervalMs: this.opts.deadlineCheckIntervalMs ?? 1000,
      powerSyncIntervalSec: this.opts.powerSyncIntervalSec ?? 60,
    });
  }

  async stop(): Promise<void> {
    this.periodic.stop();
    await this.tasks.settle();
    await this.liveness.signOff();
  }

  /**
   * At start: every node a gone conductor left (locked, or unlocked in a transient state) is recovered,
   * parked nodes' drivers are told they have a new owner, and applies the gone conductors ran end.
   */
  recoverOrphans(): Promise<void> {
    return this.liveness.recoverOrphans();
  }

  /** Periodically: locks held by a conductor that has died since are released by the rule of recoverOrphans. */
  releaseDeadLocks(): Promise<number> {
    return this.liveness.releaseDeadLocks();
  }

  // ---------------------------------------------------------------- node records

  async createNode(input: NodeCreate, actor = 'api'): Promise<NodeRecord> {
    return records.createNode(this.tasks, input, actor);
  }

  /** Changes recorded fields of a node (not its states), under its lock. */
  async updateNode(ident: string, update: NodeUpdate, actor = 'api'): Promise<NodeRecord> {
    return records.updateNode(this.tasks, ident, update, actor);
  }

  async setMaintenance(ident: string, on: boolean, reason: string | null, actor = 'api'): Promise<NodeRecord> {
    return this.updateNode(ident, { maintenance: on, maintenance_reason: on ? reason : null }, actor);
  }

  async deleteNode(ident: string, actor = 'api'): Promise<void> {
    return records.deleteNode(this.tasks, ident, actor);
  }

  async createPort(input: PortCreate, actor = 'api'): Promise<PortRecord> {
    return records.createPort(this.tasks, input, actor);
  }

  async updatePort(uuid: string, patch: PortUpdate, actor = 'api'): Promise<PortRecord> {
    return records.updatePort(this.tasks, uuid, patch, actor);
  }

  async deletePort(uuid: string, actor = 'api'): Promise<void> {
    return records.deletePort(this.tasks, uuid, actor);
  }

  async attachVif(ident: string, vif: vifs.VifInfo, actor = 'api'): Promise<void> {
    return vifs.attachVif(this.tasks, ident, vif, actor);
  }

  async detachVif(ident: string, vifId: string, actor = 'api'): Promise<void> {
    return vifs.detachVif(this.tasks, ident, vifId, actor);
  }

  /** Records an allocation and gives it a free matching node, or backfills a deployed one (Ironic's create_allocation). */
  async createAllocation(input: allocations.AllocationCreate, actor = 'api'): Promise<AllocationRecord> {
    return allocations.createAllocation(this.tasks, input, actor);
  }

  /** Deletes an allocation, freeing its node (Ironic's destroy_allocation). */
  async deleteAllocation(ident: string, actor = 'api'): Promise<void> {
    return allocations.deleteAllocation(this.tasks, ident, actor);
  }

  /** A hardware type's driver-level vendor methods (Ironic's get_driver_vendor_passthru_methods). */
  async driverVendorMethods(driver: string): Promise<Record<string, VendorMethodInfo>> {
    return driverVendor.driverVendorMethods(this.tasks, driver);
  }

  async driverVendorPassthru(driver: string, method: string, httpMethod: string, body: unknown): Promise<{ async: boolean; result: unknown }> {
    return driverVendor.driverVendorPassthru(this.tasks, driver, method, httpMethod, body);
  }

  /** Changes a volume connector or target under its node's lock, the node powered off (Ironic's update_volume_*). */
  async updateVolume<K extends VolumeKind>(kind: K, uuid: string, change: VolumeChange<K>, actor = 'api'): Promise<VolumeRecords[K]> {
    return volume.updateVolume(this.tasks, kind, uuid, change, actor);
  }

  async deleteVolume(kind: VolumeKind, uuid: string, actor = 'api'): Promise<void> {
    return volume.deleteVolume(this.tasks, kind, uuid, actor);
  }

  // ---------------------------------------------------------------- power, boot device, validate, vendor

  /** Accepts a power change (NodeLocked if the node is busy) and carries it out in the background. */
  async changePowerState(ident: string, target: PowerTarget, actor = 'api', timeoutSec?: number): Promise<Operation> {
    return nodeOps.changePowerState(this.tasks, ident, target, actor, timeoutSec);
  }

  /** Records what each BMC reports; a difference from a spec then shows up in the next plan. */
  syncPowerStates(): Promise<number> {
    return this.periodic.syncPowerStates();
  }

  async getBootDevice(ident: string): Promise<BootDeviceInfo> {
    return nodeOps.getBootDevice(this.tasks, ident);
  }

  async setBootDevice(ident: string, device: BootDevice, persistent: boolean): Promise<void> {
    return nodeOps.setBootDevice(this.tasks, ident, device, persistent);
  }

  async getSupportedBootDevices(ident: string): Promise<BootDevice[]> {
    return nodeOps.getSupportedBootDevices(this.tasks, ident);
  }

  async injectNmi(ident: string): Promise<void> {
    return nodeOps.injectNmi(this.tasks, ident);
  }

  /** Ironic's node validate: each interface's validate(), without taking the lock. */
  async validate(ident: string): Promise<ValidationReport> {
    return nodeOps.validate(this.tasks, ident);
  }

  vendorMethods(ident: string): Promise<Record<string, VendorMethodInfo>> {
    return nodeOps.vendorMethods(this.tasks, ident);
  }

  /** Vendor passthru: handed to the driver as is; ironplan neither stores nor inspects the messages. */
  async vendorPassthru(ident: string, method: string, httpMethod: string, body: unknown): Promise<{ async: boolean; result: unknown }> {
    return nodeOps.vendorPassthru(this.tasks, ident, method, httpMethod, body);
  }

  // ---------------------------------------------------------------- provisioning

  /**
   * Accepts a provision verb: checks the table, takes the lock, records the first transition, then runs
   * the flow in the background. `done` settles when the node reaches a stable or wait state.
   */
  async provision(ident: string, verb: UserVerb, args: ProvisionArgs = {}, actor = 'api'): Promise<Operation> {
    return provision(this.tasks, ident, verb, args, actor);
  }

  /** Wait states past their deadline fail, as Ironic's deploy and clean call-back timeouts do. */
  failExpiredWaits(): Promise<number> {
    return this.periodic.failExpiredWaits();
  }

  // ---------------------------------------------------------------- the agent's call-backs

  /** Finds the node a booting agent runs on, by one of its MAC addresses or its uuid. */
  async lookup(query: { addresses?: string[]; node_uuid?: string; boot_id?: string }): Promise<{ node_uuid: string; agent_token: string | null }> {
    return agent.lookup(this.tasks, query);
  }

  async heartbeat(nodeIdent: string, body: AgentHeartbeat): Promise<AgentCommand> {
    return agent.heartbeat(this.tasks, nodeIdent, body);
  }

  async continueInspection(query: { addresses: string[]; node_uuid?: string }, data: ContinueInspection): Promise<{ node_uuid: string; agent_token: string | null }> {
    return inspection.continueInspection(this.tasks, query, data);
  }
}
