// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * Who the caller is to this service (GET /v1/auth/whoami, ironplan's own): the role its token has, and whether the service asks for tokens at all. Without tokens (auth none) everyone is an admin.
 */
export interface Whoami {
  /**
   * admin: may do anything; reader: may only read (and dry-run plans).
   */
  role: 'admin' | 'reader';
  /**
   * none: the service asks for no token; token: bearer tokens (Authorization: Bearer or X-Auth-Token).
   */
  auth: 'none' | 'token';
}
