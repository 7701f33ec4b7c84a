// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * What a ramdisk posts to POST /v1/continue_inspection (Ironic API 1.84): its inventory in Ironic's layout (at least one interface with a MAC address, to find the node by) and any plugin data beside it. ironplan reads cpu.count, cpu.architecture, memory.physical_mb and the largest of disks[].size; the whole body is kept as the node's inventory.
 */
export interface ContinueInspection {
  inventory: {
    bmc_address?: string;
    bmc_v6address?: string;
    /**
     * @minItems 1
     */
    interfaces: [
      {
        mac_address: string;
        [k: string]: unknown;
      },
      ...{
        mac_address: string;
        [k: string]: unknown;
      }[]
    ];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}
