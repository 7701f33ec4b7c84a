// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * POST /v1/volume/targets (Ironic API 1.32, its TARGET_SCHEMA): a volume a node boots from or attaches.
 */
export interface VolumeTargetCreate {
  uuid?: string | null;
  /**
   * A lower-case RFC 4122 UUID.
   */
  node_uuid: string;
  volume_type: string;
  volume_id: string;
  /**
   * 0 is the boot volume; unique per node.
   */
  boot_index: number;
  properties?: {
    [k: string]: unknown;
  } | null;
  extra?: {
    [k: string]: unknown;
  } | null;
}
