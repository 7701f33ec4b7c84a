// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * Every node's states in one compact list (GET /v1/node-states): what an overview of the whole fleet draws, with the newest event id the list reflects, to follow GET /v1/events from (?after=event_id) without a gap.
 */
export interface NodeStates {
  /**
   * The newest event recorded before the list was read: every change after it is an event with a larger id.
   */
  event_id: number;
  /**
   * In creation order (created_at, then uuid).
   */
  nodes: NodeStateRow[];
}
export interface NodeStateRow {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  name: string | null;
  /**
   * A node's provision state, with Ironic's names.
   */
  provision_state:
    | 'enroll'
    | 'verifying'
    | 'manageable'
    | 'inspecting'
    | 'inspect wait'
    | 'inspect failed'
    | 'cleaning'
    | 'clean wait'
    | 'clean failed'
    | 'available'
    | 'deploying'
    | 'wait call-back'
    | 'deploy failed'
    | 'active'
    | 'deleting'
    | 'error'
    | 'rescuing'
    | 'rescue'
    | 'rescue failed'
    | 'unrescuing'
    | 'unrescue failed'
    | 'adopting'
    | 'adopt failed'
    | 'servicing'
    | 'service failed';
  power_state: ('power on' | 'power off') | null;
  maintenance: boolean;
  /**
   * The node has a last_error recorded.
   */
  fault: boolean;
}
