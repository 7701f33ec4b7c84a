// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A recorded deployment: which node holds it and what was asked of it. Its progress is the node's provision state.
 */
export interface DeploymentRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  name: string;
  node_uuid: string | null;
  image_source: string;
  image_checksum: string;
  root_device: RootDeviceHint | null;
  user_data: string | null;
  meta_data: {
    [k: string]: unknown;
  } | null;
  created_at: string;
  updated_at: string | null;
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
