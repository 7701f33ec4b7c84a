// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A recorded port group (Ironic's portgroup object): a node's bonded ports, with the bond's MAC address, mode and properties.
 */
export interface PortgroupRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  name: string | null;
  /**
   * A lower-case RFC 4122 UUID.
   */
  node_uuid: string;
  address: string | null;
  extra: {
    [k: string]: unknown;
  };
  /**
   * What the network interface records (tenant_vif_port_id of an attached VIF); read-only in the API.
   */
  internal_info: {
    [k: string]: unknown;
  };
  /**
   * The bonding mode (Ironic's default_portgroup_mode: active-backup).
   */
  mode: string;
  properties: {
    [k: string]: unknown;
  };
  standalone_ports_supported: boolean;
  created_at: string;
  updated_at: string | null;
}
