// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * What in-band inspection found, merged into the node's properties under Ironic's names.
 */
export interface Inventory {
  cpus: number;
  memory_mb: number;
  /**
   * The largest disk, in whole GiB.
   */
  local_gb: number;
  cpu_arch: string;
}
