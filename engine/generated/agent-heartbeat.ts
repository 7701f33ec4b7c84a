// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * What the deploy agent tells the manager on each heartbeat: flat, so a shell agent can build it. agent_token is checked by the manager (401 when missing or wrong), so it is not `required` here.
 */
export interface AgentHeartbeat {
  /**
   * The per-deploy token handed out once by lookup.
   */
  agent_token?: string;
  agent_version?: string;
  /**
   * ready: waiting for a command; busy: working; written: image written and re-read; failed: see error.
   */
  agent_status: 'ready' | 'busy' | 'written' | 'failed';
  bytes_written?: number;
  bytes_total?: number;
  /**
   * Digest of the bytes re-read from the disk after writing, e.g. sha256:<hex>.
   */
  image_checksum_computed?: string;
  error?: string;
  [k: string]: unknown;
}
