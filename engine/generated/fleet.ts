// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A file of desired state: every node and deployment ironplan should manage. Managed records missing from it are removed on apply, as Terraform removes resources missing from its configuration.
 */
export interface Fleet {
  nodes?: NodeSpec[];
  deployments?: DeploymentSpec[];
}
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
/**
 * The desired state of one deployment: an image written to a node's disk and booted. Exactly one of node and node_selector.
 */
export interface DeploymentSpec {
  /**
   * A logical name: letters, digits and . _ ~ - (as Ironic's node names); never a UUID.
   */
  name: string;
  /**
   * The node to deploy to, by name or UUID.
   */
  node?: string;
  /**
   * Pick any available node of this resource class that has every listed trait.
   */
  node_selector?: {
    resource_class: string;
    /**
     * Items: A trait: a standard os-traits name or CUSTOM_*.
     */
    traits?: string[];
  };
  /**
   * URL of the raw disk image the agent streams to the root device.
   */
  image_source: string;
  /**
   * The image's digest with its algorithm, e.g. sha256:<64 hex digits>.
   */
  image_checksum: string;
  root_device?: RootDeviceHint;
  /**
   * User data placed on the config drive.
   */
  user_data?: string;
  /**
   * Extra meta data for the config drive.
   */
  meta_data?: {
    [k: string]: unknown;
  };
  /**
   * deployed: the image runs on the node; absent: the node is undeployed and released.
   */
  state?: 'deployed' | 'absent';
}
/**
 * Which disk receives the image (Ironic's root device hints); the first disk matching all given hints.
 */
export interface RootDeviceHint {
  /**
   * Device path, e.g. /dev/vda.
   */
  name?: string;
  serial?: string;
  wwn?: string;
  model?: string;
  vendor?: string;
  /**
   * Disk size in GiB.
   */
  size_gb?: number;
}
