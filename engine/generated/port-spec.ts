// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

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
