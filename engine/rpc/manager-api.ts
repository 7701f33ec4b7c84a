// The seam between the API service and the managers (Ironic's rpcapi.ConductorAPI): every request that
// needs a manager (its drivers, a node's lock, a flow) is one of these calls. `serve` implements it in
// process over its own conductor; `ironplan api` implements it over JSON-RPC to the manager that owns the
// node. Results are plain records: a long operation answers once accepted, its progress is in the events.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { PortRecord } from '../../contract/generated/port-record.js';
import type { AgentCommand, AgentHeartbeat, BootDevice, BootDeviceInfo, PowerState } from '../../contract/types.js';
import type { NodeCreate, NodeUpdate, ProvisionArgs, ValidationReport } from '../conductor.js';
import type { PortCreate, PortUpdate, PowerTarget } from '../conductor/types.js';
import type { UserVerb } from '../states.js';
import type { VifInfo } from '../conductor/vifs.js';
import type { AllocationCreate } from '../conductor/allocations.js';
import type { AllocationRecord } from '../generated/allocation-record.js';
import type { ContinueInspection } from '../generated/continue-inspection.js';
import type { VolumeChange, VolumeKind, VolumeRecords } from '../store/volume.js';

export type VendorMethods = Record<string, { http_methods: string[]; description: string; async: boolean; require_exclusive_lock: boolean }>;
export type { PortCreate, PortUpdate, PowerTarget } from '../conductor/types.js';

export interface ManagerApi {
  createNode(input: NodeCreate, actor?: string): Promise<NodeRecord>;
  updateNode(ident: string, update: NodeUpdate, actor?: string): Promise<NodeRecord>;
  setMaintenance(ident: string, on: boolean, reason: string | null, actor?: string): Promise<NodeRecord>;
  deleteNode(ident: string, actor?: string): Promise<void>;
  createPort(input: PortCreate, actor?: string): Promise<PortRecord>;
  updatePort(uuid: string, patch: PortUpdate, actor?: string): Promise<PortRecord>;
  deletePort(uuid: string, actor?: string): Promise<void>;
  /** Records a VIF on a free port or port group of the node, under its lock (Ironic's vif_attach). */
  attachVif(ident: string, vif: VifInfo, actor?: string): Promise<void>;
  detachVif(ident: string, vifId: string, actor?: string): Promise<void>;
  /** Accepted (the node as it was then, locked); the change goes on in the owning manager. */
  changePowerState(ident: string, target: PowerTarget, actor?: string, timeoutSec?: number): Promise<NodeRecord>;
  /** Accepted, as changePowerState. */
  provision(ident: string, verb: UserVerb, args?: ProvisionArgs, actor?: string): Promise<NodeRecord>;
  getBootDevice(ident: string): Promise<BootDeviceInfo>;
  setBootDevice(ident: string, device: BootDevice, persistent: boolean): Promise<void>;
  getSupportedBootDevices(ident: string): Promise<BootDevice[]>;
  /** A non-maskable interrupt through the node's management interface (API 1.29), under its lock. */
  injectNmi(ident: string): Promise<void>;
  validate(ident: string): Promise<ValidationReport>;
  vendorMethods(ident: string): Promise<VendorMethods>;
  vendorPassthru(ident: string, method: string, httpMethod: string, body: unknown): Promise<{ async: boolean; result: unknown }>;
  lookup(query: { addresses?: string[]; node_uuid?: string; boot_id?: string }): Promise<{ node_uuid: string; agent_token: string | null }>;
  heartbeat(ident: string, body: AgentHeartbeat): Promise<AgentCommand>;
  /** A ramdisk's inventory for the node's in-band inspection (Ironic's continue_inspection, API 1.84). */
  continueInspection(query: { addresses: string[]; node_uuid?: string }, data: ContinueInspection): Promise<{ node_uuid: string; agent_token: string | null }>;
  /** Claims a stored plan's apply: one manager runs it, recorded in the database action by action. */
  startApply(planId: string, opts?: { concurrency?: number }): Promise<{ apply_id: string }>;
  /** Records an allocation and gives it a node (any manager; a backfill goes to the node's). */
  createAllocation(input: AllocationCreate, actor?: string): Promise<AllocationRecord>;
  /** Deletes an allocation and frees its node, under the node's lock. */
  deleteAllocation(ident: string, actor?: string): Promise<void>;
  /** Driver-level vendor passthru: any manager that has the hardware type. */
  driverVendorMethods(driver: string): Promise<VendorMethods>;
  driverVendorPassthru(driver: string, method: string, httpMethod: string, body: unknown): Promise<{ async: boolean; result: unknown }>;
  /** A volume connector's or target's change or deletion: its node's manager, under the node's lock. */
  updateVolume<K extends VolumeKind>(kind: K, uuid: string, change: VolumeChange<K>, actor?: string): Promise<VolumeRecords[K]>;
  deleteVolume(kind: VolumeKind, uuid: string, actor?: string): Promise<void>;
}

/** The methods as RPC sees them: one params object each (JSON-RPC's by-name parameters). */
export const RPC_METHODS = [
  'createNode', 'updateNode', 'setMaintenance', 'deleteNode', 'createPort', 'updatePort', 'deletePort', 'attachVif', 'detachVif',
  'changePowerState', 'provision', 'getBootDevice', 'setBootDevice', 'getSupportedBootDevices', 'injectNmi', 'validate',
  'vendorMethods', 'vendorPassthru', 'lookup', 'heartbeat', 'continueInspection', 'startApply',
  'createAllocation', 'deleteAllocation', 'driverVendorMethods', 'driverVendorPassthru', 'updateVolume', 'deleteVolume',
] as const satisfies ReadonlyArray<keyof ManagerApi>;

/** Parameter names of each method, in order: the by-name params of the JSON-RPC call. */
export const RPC_PARAMS: { [K in keyof ManagerApi]: string[] } = {
  createNode: ['input', 'actor'],
  updateNode: ['ident', 'update', 'actor'],
  setMaintenance: ['ident', 'on', 'reason', 'actor'],
  deleteNode: ['ident', 'actor'],
  createPort: ['input', 'actor'],
  updatePort: ['uuid', 'patch', 'actor'],
  deletePort: ['uuid', 'actor'],
  attachVif: ['ident', 'vif', 'actor'],
  detachVif: ['ident', 'vifId', 'actor'],
  changePowerState: ['ident', 'target', 'actor', 'timeoutSec'],
  provision: ['ident', 'verb', 'args', 'actor'],
  getBootDevice: ['ident'],
  setBootDevice: ['ident', 'device', 'persistent'],
  getSupportedBootDevices: ['ident'],
  injectNmi: ['ident'],
  validate: ['ident'],
  vendorMethods: ['ident'],
  vendorPassthru: ['ident', 'method', 'httpMethod', 'body'],
  lookup: ['query'],
  heartbeat: ['ident', 'body'],
  continueInspection: ['query', 'data'],
  startApply: ['planId', 'opts'],
  createAllocation: ['input', 'actor'],
  deleteAllocation: ['ident', 'actor'],
  driverVendorMethods: ['driver'],
  driverVendorPassthru: ['driver', 'method', 'httpMethod', 'body'],
  updateVolume: ['kind', 'uuid', 'change', 'actor'],
  deleteVolume: ['kind', 'uuid', 'actor'],
};
