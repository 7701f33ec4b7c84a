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
  /**
   * The port group the port is a member of (API 1.24); absent or null: none.
   */
  portgroup_uuid?: string | null;
  /**
   * What the network interface records (tenant_vif_port_id of an attached VIF); read-only in the API. Absent: {}.
   */
  internal_info?: {
    [k: string]: unknown;
  };
  created_at: string;
  updated_at: string | null;
}
