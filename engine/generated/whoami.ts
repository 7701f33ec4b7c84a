// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * Ironic's default roles, strongest first (each implies the ones after it). System scope knows admin and reader; a project token may hold any.
 */
export type Role = 'admin' | 'manager' | 'member' | 'reader';

/**
 * Who the caller is to this service (GET /v1/auth/whoami, ironplan's own): the role its token has, the project it is scoped to (none: system scope), and whether the service asks for tokens at all. Without tokens (auth none) everyone is a system admin.
 */
export interface Whoami {
  role: Role;
  /**
   * none: the service asks for no token; token: bearer tokens (Authorization: Bearer or X-Auth-Token).
   */
  auth: 'none' | 'token';
  /**
   * The project a project-scoped token belongs to: it sees only the nodes this project owns or leases (engine/http/policy.ts). Absent for system-scoped tokens (and without auth).
   */
  project?: string;
}
