// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A recorded volume connector (Ironic API 1.32).
 */
export interface VolumeConnectorRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  /**
   * A lower-case RFC 4122 UUID.
   */
  node_uuid: string;
  type: string;
  connector_id: string;
  extra: {
    [k: string]: unknown;
  };
  created_at: string;
  updated_at: string | null;
}
