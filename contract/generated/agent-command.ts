// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * The manager's reply to a heartbeat: the agent's next command, as one line of flat JSON (sed can read it).
 */
export interface AgentCommand {
  command: 'wait' | 'write_image' | 'erase_devices_metadata' | 'inspect' | 'poweroff' | 'reboot' | 'none';
  image_url?: string;
  image_checksum?: string;
  root_device?: string;
  /**
   * write_image: an ISO 9660 config drive the agent writes to a new partition at the end of the disk, after the image.
   */
  configdrive_url?: string;
  /**
   * erase_devices_metadata: the block devices to erase, separated by spaces; empty means every disk the agent finds.
   */
  devices?: string;
  /**
   * Seconds until the next heartbeat.
   */
  heartbeat_interval: number;
}
