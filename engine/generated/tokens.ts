// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * Ironic's default roles, strongest first (each implies the ones after it). System scope knows admin and reader; a project token may hold any.
 */
export type Role = 'admin' | 'manager' | 'member' | 'reader';
/**
 * The bearer tokens `ironplan serve --auth token` accepts (--tokens-file or IRONPLAN_TOKENS). A token without a project is system-scoped (admin: anything; reader: read anything). A token with a project is scoped to it as Ironic's project-scoped users are: it sees only the nodes whose owner or lessee is its project, and acts on them as its role allows there (engine/http/policy.ts).
 */
export type Tokens = TokenEntry[];

export interface TokenEntry {
  /**
   * The secret the client presents (Authorization: Bearer or X-Auth-Token).
   */
  token: string;
  role: Role;
  /**
   * The project the token is scoped to (compared with nodes' owner and lessee). Absent: system scope.
   */
  project?: string;
}
