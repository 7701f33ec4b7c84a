// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

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
