// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * A recorded chassis (Ironic's chassis object): a named group of nodes, with no driver of its own.
 */
export interface ChassisRecord {
  /**
   * A lower-case RFC 4122 UUID.
   */
  uuid: string;
  description: string | null;
  extra: {
    [k: string]: unknown;
  };
  created_at: string;
  updated_at: string | null;
}
