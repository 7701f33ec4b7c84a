// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A manager as GET /v1/conductors shows it (Ironic's conductor, API 1.49): drivers, created_at and updated_at with ?detail=true and on GET /v1/conductors/{hostname}.
 */
export interface Conductor {
  /**
   * The manager's id (host:pid:nonce): several managers may share a host.
   */
  hostname: string;
  /**
   * Empty: the default group.
   */
  conductor_group: string;
  /**
   * Its heartbeat is within the timeout.
   */
  alive: boolean;
  /**
   * The hardware types it loaded.
   */
  drivers?: string[];
  /**
   * When it started.
   */
  created_at?: string;
  /**
   * Its latest heartbeat.
   */
  updated_at?: string | null;
  links: {
    [k: string]: unknown;
  }[];
}
