// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A recorded volume target (Ironic API 1.32).
 */
export interface VolumeTargetRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  /**
   * A lower-case RFC 4122 UUID.
   */
  node_uuid: string;
  volume_type: string;
  volume_id: string;
  boot_index: number;
  properties: {
    [k: string]: unknown;
  };
  extra: {
    [k: string]: unknown;
  };
  created_at: string;
  updated_at: string | null;
}
