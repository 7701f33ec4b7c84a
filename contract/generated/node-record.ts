// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * What ironplan knows of a node now (Ironic's node object).
 */
export interface NodeRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  name: string | null;
  driver: string;
  driver_info: {
    [k: string]: unknown;
  };
  interfaces: {
    power: string;
    management: string;
    boot: string;
    deploy: string;
    inspect: string;
    vendor: string;
  };
  /**
   * Hardware properties used for scheduling.
   */
  properties: {
    cpus?: number;
    memory_mb?: number;
    local_gb?: number;
    cpu_arch?: string;
    [k: string]: unknown;
  };
  resource_class: string | null;
  /**
   * Sorted, without repeats.
   *
   * Items: A trait: a standard os-traits name or CUSTOM_*.
   */
  traits: string[];
  power_state: ('power on' | 'power off') | null;
  target_power_state: ('power on' | 'power off') | null;
  /**
   * A node's provision state, with Ironic's names.
   */
  provision_state:
    | 'enroll'
    | 'verifying'
    | 'manageable'
    | 'inspecting'
    | 'inspect wait'
    | 'inspect failed'
    | 'cleaning'
    | 'clean wait'
    | 'clean failed'
    | 'available'
    | 'deploying'
    | 'wait call-back'
    | 'deploy failed'
    | 'active'
    | 'deleting'
    | 'error'
    | 'rescuing'
    | 'rescue'
    | 'rescue failed'
    | 'unrescuing'
    | 'unrescue failed'
    | 'adopting'
    | 'adopt failed'
    | 'servicing'
    | 'service failed';
  target_provision_state:
    | (
        | 'enroll'
        | 'verifying'
        | 'manageable'
        | 'inspecting'
        | 'inspect wait'
        | 'inspect failed'
        | 'cleaning'
        | 'clean wait'
        | 'clean failed'
        | 'available'
        | 'deploying'
        | 'wait call-back'
        | 'deploy failed'
        | 'active'
        | 'deleting'
        | 'error'
        | 'rescuing'
        | 'rescue'
        | 'rescue failed'
        | 'unrescuing'
        | 'unrescue failed'
        | 'adopting'
        | 'adopt failed'
        | 'servicing'
        | 'service failed'
      )
    | null;
  maintenance: boolean;
  maintenance_reason: string | null;
  last_error: string | null;
  /**
   * The conductor holding the node's lock, if any.
   */
  reservation: string | null;
  /**
   * Only managers of this group handle the node (Ironic's conductor_group; '' is the default group).
   */
  conductor_group: string;
  /**
   * The chassis the node is in (Ironic's chassis_uuid), if any.
   */
  chassis_uuid: string | null;
  /**
   * The deployment occupying the node.
   */
  instance_uuid: string | null;
  /**
   * The allocation holding the node (Ironic's allocation_uuid, API 1.52); absent or null: none.
   */
  allocation_uuid?: string | null;
  instance_info: {
    [k: string]: unknown;
  };
  driver_internal_info: {
    [k: string]: unknown;
  };
  extra: {
    [k: string]: unknown;
  };
  /**
   * True when a spec owns the node: removing the spec removes the node.
   */
  managed: boolean;
  /**
   * When a wait state times out (ISO 8601).
   */
  provision_deadline: string | null;
  /**
   * Why the node was put in maintenance by ironplan itself (Ironic's fault: "power failure" when the power state can no longer be read); cleared with maintenance.
   */
  fault: string | null;
  /**
   * Whether automated cleaning runs for this node (null: the service's default).
   */
  automated_clean: boolean | null;
  /**
   * A protected node refuses undeploy, rebuild and deletion (Ironic 1.48); only an active node can be protected.
   */
  protected: boolean;
  protected_reason: string | null;
  /**
   * The project owning the node (Ironic 1.50).
   */
  owner: string | null;
  /**
   * The project leasing the node (Ironic 1.65).
   */
  lessee: string | null;
  /**
   * Free text for operators (Ironic 1.51).
   */
  description: string | null;
  /**
   * A retired node is not made available again after cleaning (Ironic 1.61).
   */
  retired: boolean;
  retired_reason: string | null;
  /**
   * Static network configuration for the config drive (Ironic 1.66).
   */
  network_data: {
    [k: string]: unknown;
  };
  /**
   * The boot mode the BMC reports (bios or uefi), if known (Ironic 1.75).
   */
  boot_mode: string | null;
  /**
   * Whether UEFI secure boot is on, if known (Ironic 1.75).
   */
  secure_boot: boolean | null;
  /**
   * The shard the node is in (Ironic 1.82).
   */
  shard: string | null;
  /**
   * The UUID of the node this one is a child of (Ironic 1.83).
   */
  parent_node: string | null;
  created_at: string;
  updated_at: string | null;
  provision_updated_at: string | null;
  /**
   * Bumped by every write; a writer holding an older one fails.
   */
  version: number;
}
