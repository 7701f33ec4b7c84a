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
  local_link_connection?: LocalLinkConnection;
  /**
   * A Smart NIC port (API 1.53): its local_link_connection names port_id and hostname. Absent: false.
   */
  is_smartnic?: boolean;
  /**
   * A name unique among ports (API 1.88). Absent: null.
   */
  name?: string | null;
  created_at: string;
  updated_at: string | null;
}
/**
 * The switch port the NIC is cabled to (Ironic's local_link_connection, API 1.19; network_type from 1.64). Empty, or switch_id and port_id, or port_id and hostname (a Smart NIC), or network_type unmanaged. Absent: {}.
 */
export interface LocalLinkConnection {
  /**
   * The switch's MAC address or OpenFlow datapath_id (16 hex digits), lower case.
   */
  switch_id?: string;
  port_id?: string;
  switch_info?: string;
  /**
   * The Smart NIC's host name.
   */
  hostname?: string;
  network_type?: 'managed' | 'unmanaged';
}
