// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * One recorded transition: who changed what, when, from which state to which, and why.
 */
export interface Event {
  id: number;
  time: string;
  type:
    | 'provision'
    | 'power'
    | 'maintenance'
    | 'node'
    | 'port'
    | 'deployment'
    | 'apply'
    | 'action'
    | 'progress'
    | 'drift';
  node_uuid?: string | null;
  node_name?: string | null;
  from?: string | null;
  to?: string | null;
  verb?: string | null;
  /**
   * Who caused it: a conductor, an apply, the API, an agent.
   */
  actor: string;
  reason?: string | null;
  apply_id?: string | null;
  /**
   * The manager whose process recorded it (null: an API service).
   */
  conductor?: string | null;
  data?: {
    [k: string]: unknown;
  } | null;
}
