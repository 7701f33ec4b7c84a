// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * The manager's reply to a heartbeat: the agent's next command, as one line of flat JSON (sed can read it).
 */
export interface AgentCommand {
  command: 'wait' | 'write_image' | 'poweroff' | 'reboot' | 'none';
  image_url?: string;
  image_checksum?: string;
  root_device?: string;
  /**
   * Seconds until the next heartbeat.
   */
  heartbeat_interval: number;
}
