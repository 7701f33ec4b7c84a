// The shapes of the Conductor's public API, apart from the class so that its modules can share them
// without importing the entry module (engine/conductor.ts re-exports them all).
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { LocalLinkConnection } from '../../contract/generated/port-record.js';
import type { InterfaceNames } from '../generated/node-spec.js';
import type { CleanStep, Logger, PowerState, ServiceSettings } from '../../contract/types.js';
import type { Store } from '../store/store.js';
import type { DriverRegistry } from '../drivers/registry.js';

export interface ConductorOptions {
  store: Store;
  registry: DriverRegistry;
  settings: ServiceSettings;
  log: Logger;
  /** Seconds between power-state syncs with the BMCs (0 disables). */
  powerSyncIntervalSec?: number;
  /** Milliseconds between checks for wait states past their deadline. */
  deadlineCheckIntervalMs?: number;
  /** Seconds between this conductor's liveness heartbeats in the database (Ironic: 10). */
  heartbeatIntervalSec?: number;
  /** Seconds without a heartbeat after which a conductor is dead and its nodes go to others (Ironic: 60). */
  heartbeatTimeoutSec?: number;
  /** The conductor group this manager serves (Ironic's [conductor]conductor_group); '' is the default group. */
  group?: string;
  /** Where this manager's RPC listener answers, recorded for the API (null: reachable in process only). */
  rpcUrl?: string | null;
}

export interface NodeCreate {
  name?: string | null;
  uuid?: string;
  driver: string;
  driver_info?: Record<string, unknown>;
  interfaces?: InterfaceNames;
  properties?: Record<string, unknown>;
  resource_class?: string | null;
  /** Only managers of this group handle the node ('' is the default group). */
  conductor_group?: string;
  traits?: string[];
  extra?: Record<string, unknown>;
  managed?: boolean;
  maintenance?: boolean;
  maintenance_reason?: string | null;
  instance_info?: Record<string, unknown>;
  /** The chassis the node is in (the manager checks it exists). */
  chassis_uuid?: string | null;
  /**
   * Where the node starts: enroll, or available for Ironic API clients older than 1.11 (Ironic sets the
   * state directly at creation: no verification, no cleaning).
   */
  initial_state?: 'enroll' | 'available';
  /** Ironic's later node fields a client writes (API 1.47 to 1.83). */
  automated_clean?: boolean | null;
  owner?: string | null;
  lessee?: string | null;
  description?: string | null;
  retired?: boolean;
  retired_reason?: string | null;
  network_data?: Record<string, unknown>;
  shard?: string | null;
  parent_node?: string | null;
}

export type NodeUpdate = Partial<Omit<NodeCreate, 'uuid' | 'initial_state'>> & { instance_uuid?: string | null; protected?: boolean; protected_reason?: string | null };

/** An operation accepted on a node: `node` as it was when accepted, `done` once it settles. */
export interface Operation {
  node: NodeRecord;
  done: Promise<NodeRecord>;
}

export interface ProvisionArgs {
  instance_info?: Record<string, unknown>;
  instance_uuid?: string;
  /** Manual cleaning's steps (Ironic's clean_steps); without them `clean` runs the automated sequence. */
  clean_steps?: CleanStep[];
  /** The action as the request named it (Ironic's target, e.g. "active" for deploy), for refusals' words. */
  requested?: string;
  /** The password of the rescue system (rescue only, API 1.38); kept in instance_info while rescued. */
  rescue_password?: string;
  /** Servicing's steps (API 1.87), required with `service`. */
  service_steps?: CleanStep[];
  /** Run the steps without booting the ramdisk (API 1.70): only steps that need none are accepted. */
  disable_ramdisk?: boolean;
}

export type ValidationReport = Record<string, { result: boolean | null; reason: string | null }>;

/** What a power change may ask for: a state, a reboot, or their soft forms (Ironic API 1.27). */
export type PowerTarget = PowerState | 'reboot' | 'soft power off' | 'soft reboot';
/** What a client sets of a port (API 1.53 is_smartnic, 1.19/1.64 local_link_connection, 1.88 name). */
type PortFields = { pxe_enabled?: boolean; extra?: Record<string, unknown>; portgroup_uuid?: string | null; local_link_connection?: LocalLinkConnection; is_smartnic?: boolean; name?: string | null };
export type PortCreate = PortFields & { node_uuid: string; address: string; uuid?: string };
export type PortUpdate = PortFields & { address?: string; node_uuid?: string };

export type VendorMethodInfo = { http_methods: string[]; description: string; async: boolean; require_exclusive_lock: boolean };
