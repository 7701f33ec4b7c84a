// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * Shapes shared by every ironplan resource.
 */
export interface Common {
  [k: string]: unknown;
}
