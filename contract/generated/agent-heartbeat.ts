// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * What the deploy agent tells the manager on each heartbeat: flat, so a shell agent can build it. agent_token is checked by the manager (401 when missing or wrong), so it is not `required` here.
 */
export interface AgentHeartbeat {
  /**
   * The token handed out once by lookup, new for each deploy and each cleaning.
   */
  agent_token?: string;
  agent_version?: string;
  /**
   * ready: waiting for a command; busy: working; written: image written and re-read; cleaned: the erase finished; inspected: the inventory fields below are filled; failed: see error.
   */
  agent_status: 'ready' | 'busy' | 'written' | 'cleaned' | 'inspected' | 'failed';
  bytes_written?: number;
  bytes_total?: number;
  /**
   * Digest of the bytes re-read from the disk after writing, e.g. sha256:<hex>.
   */
  image_checksum_computed?: string;
  /**
   * With cleaned: the block devices whose metadata was erased, separated by spaces.
   */
  erased_devices?: string;
  /**
   * With inspected: logical CPUs the kernel sees.
   */
  cpus?: number;
  /**
   * With inspected: memory the kernel reports (MemTotal), in MiB.
   */
  memory_mb?: number;
  /**
   * With inspected: size of the largest disk, in GiB (rounded down).
   */
  local_gb?: number;
  /**
   * With inspected: the machine's architecture as uname -m names it, e.g. x86_64.
   */
  cpu_arch?: string;
  error?: string;
  /**
   * The CA of the agent's own TLS API (Ironic API 1.68), for a server that calls the agent. Accepted and not used: ironplan never calls the agent (commands ride on heartbeat replies).
   */
  agent_verify_ca?: string;
  [k: string]: unknown;
}
