// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * driver_info for the redfish power, management, inspect and bios interfaces (DMTF Redfish over HTTPS), under Ironic's names.
 */
export interface RedfishDriverInfo {
  /**
   * BMC host[:port] (https is assumed) or a full http:// or https:// URL.
   */
  redfish_address: string;
  /**
   * @odata.id of the ComputerSystem, e.g. /redfish/v1/Systems/1; optional when the BMC has one system.
   */
  redfish_system_id?: string;
  /**
   * BMC user.
   */
  redfish_username?: string;
  /**
   * BMC password (secret: never shown back).
   */
  redfish_password?: string;
  /**
   * true: verify the BMC's certificate with the system CAs; false: do not verify; a path: verify with this CA bundle.
   */
  redfish_verify_ca?: boolean | string;
  /**
   * auto: a session when the BMC offers one, basic otherwise.
   */
  redfish_auth_type?: 'basic' | 'session' | 'auto';
  /**
   * Seconds per HTTP request.
   */
  redfish_timeout?: number;
  /**
   * Attempts per request on connection errors and 5xx answers.
   */
  redfish_connection_attempts?: number;
  /**
   * Seconds between attempts (grows by half each time).
   */
  redfish_retry_interval?: number;
}
