// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * POST /v1/events (Ironic API 1.54): external events from the network service, as Ironic's EVENTS_SCHEMA and NETWORK_EVENT_VALIDATOR accept them.
 */
export interface NetworkEvents {
  /**
   * @minItems 1
   */
  events: [NetworkEvent, ...NetworkEvent[]];
}
export interface NetworkEvent {
  event: 'network.bind_port' | 'network.unbind_port' | 'network.delete_port';
  /**
   * A lower-case RFC 4122 UUID.
   */
  port_id: string;
  mac_address: string;
  status: string;
  device_id?: string | null;
  'binding:host_id'?: string | null;
  'binding:vnic_type'?: string | null;
}
