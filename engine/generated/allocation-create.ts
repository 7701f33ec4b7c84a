// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A request for an allocation (Ironic's ALLOCATION_SCHEMA, API 1.52): POST /v1/allocations, and what the manager is handed (candidate_nodes and node then resolved to node UUIDs).
 */
export interface AllocationCreate {
  uuid?: string | null;
  name?: string | null;
  /**
   * Required unless backfilling (then the node's).
   */
  resource_class?: string | null;
  traits?: string[] | null;
  /**
   * Node UUIDs or names the pick is limited to.
   */
  candidate_nodes?: string[] | null;
  extra?: {
    [k: string]: unknown;
  } | null;
  /**
   * API 1.60.
   */
  owner?: string | null;
  /**
   * Backfill (API 1.58): the deployed node (UUID or name) the allocation records.
   */
  node?: string | null;
}
