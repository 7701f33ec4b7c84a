// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * POST /v1/volume/connectors (Ironic API 1.32, its CONNECTOR_SCHEMA): a node's storage initiator.
 */
export interface VolumeConnectorCreate {
  uuid?: string | null;
  /**
   * A lower-case RFC 4122 UUID.
   */
  node_uuid: string;
  /**
   * Ironic's connector types.
   */
  type: 'iqn' | 'ip' | 'mac' | 'wwnn' | 'wwpn' | 'port' | 'portal';
  connector_id: string;
  extra?: {
    [k: string]: unknown;
  } | null;
}
