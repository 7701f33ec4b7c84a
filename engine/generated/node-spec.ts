// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * The desired state of one bare-metal node: how to reach it and in which state to keep it.
 */
export interface NodeSpec {
  /**
   * A logical name: letters, digits and . _ ~ - (as Ironic's node names); never a UUID.
   */
  name: string;
  /**
   * Hardware type, e.g. ipmi or fake-hardware.
   */
  driver: string;
  /**
   * What the driver needs to reach the hardware; checked against the schema its interfaces publish.
   */
  driver_info?: {
    [k: string]: unknown;
  };
  interfaces?: InterfaceNames;
  /**
   * Hardware properties used for scheduling.
   */
  properties?: {
    cpus?: number;
    memory_mb?: number;
    local_gb?: number;
    cpu_arch?: string;
    [k: string]: unknown;
  };
  /**
   * The class deployments select nodes by.
   */
  resource_class?: string;
  /**
   * @maxItems 50
   *
   * Items: A trait: a standard os-traits name or CUSTOM_*.
   */
  traits?: string[];
  /**
   * The node's network ports, by MAC address.
   */
  ports?: PortSpec[];
  /**
   * Desired power state; unset means ironplan leaves power alone.
   */
  power_state?: 'power on' | 'power off';
  maintenance?: boolean;
  maintenance_reason?: string;
  /**
   * Where the node should rest when no deployment holds it.
   */
  provision_state?: 'enroll' | 'manageable' | 'available';
  extra?: {
    [k: string]: unknown;
  };
}
/**
 * Which implementation of each interface the node uses; unset ones take the hardware type's default.
 */
export interface InterfaceNames {
  power?: string;
  management?: string;
  boot?: string;
  deploy?: string;
  inspect?: string;
  vendor?: string;
}
/**
 * A network interface of a node, known by its MAC address.
 */
export interface PortSpec {
  /**
   * A MAC address, six colon-separated hex octets.
   */
  address: string;
  /**
   * Whether the node network-boots through this port.
   */
  pxe_enabled?: boolean;
  /**
   * Free-form data kept with the port.
   */
  extra?: {
    [k: string]: unknown;
  };
}
