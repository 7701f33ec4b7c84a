// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A recorded port of a node.
 */
export interface PortRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  /**
   * A lower-case RFC 4122 UUID.
   */
  node_uuid: string;
  /**
   * A MAC address, six colon-separated hex octets.
   */
  address: string;
  pxe_enabled: boolean;
  extra: {
    [k: string]: unknown;
  };
  created_at: string;
  updated_at: string | null;
}
