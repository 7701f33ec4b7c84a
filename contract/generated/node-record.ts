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
    | 'error';
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
  created_at: string;
  updated_at: string | null;
  provision_updated_at: string | null;
  /**
   * Bumped by every write; a writer holding an older one fails.
   */
  version: number;
}
