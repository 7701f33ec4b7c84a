// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * driver_info for the ipmitool power and management interfaces (IPMI 2.0 over LAN).
 */
export interface IpmiDriverInfo {
  /**
   * BMC host name or IP address.
   */
  ipmi_address: string;
  ipmi_port?: number;
  /**
   * BMC user; empty for anonymous.
   */
  ipmi_username?: string;
  /**
   * BMC password (secret: never shown back).
   */
  ipmi_password?: string;
  /**
   * IPMI cipher suite; 3 avoids ipmitool's slow discovery.
   */
  ipmi_cipher_suite?: number;
  ipmi_retries?: number;
  /**
   * Seconds per ipmitool call.
   */
  ipmi_timeout?: number;
}
