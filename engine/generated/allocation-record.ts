// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * Ironic's allocation states.
 */
export type AllocationState = 'allocating' | 'active' | 'error';

/**
 * A recorded allocation (Ironic's allocation object, API 1.52): a request for one available node matching a resource class and traits, and the node it got.
 */
export interface AllocationRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  name: string | null;
  /**
   * The node allocated, once active.
   */
  node_uuid: string | null;
  state: AllocationState;
  /**
   * Why the allocation failed (state error).
   */
  last_error: string | null;
  /**
   * Null only for a backfill of a node without one.
   */
  resource_class: string | null;
  /**
   * Every one of them the node must have.
   *
   * Items: A trait: a standard os-traits name or CUSTOM_*.
   */
  traits: string[];
  /**
   * Node UUIDs the pick is limited to (empty: any node).
   *
   * Items: A lower-case RFC 4122 UUID.
   */
  candidate_nodes: string[];
  extra: {
    [k: string]: unknown;
  };
  owner: string | null;
  created_at: string;
  updated_at: string | null;
}
