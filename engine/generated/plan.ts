// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * What apply will do to make the records match the specs: ordered actions, each with its reason.
 */
export interface Plan {
  id: string;
  created_at: string;
  /**
   * Digest of the specs and record versions the plan was made from; apply refuses a plan whose inputs changed.
   */
  inputs_digest: string;
  actions: PlanAction[];
  summary: {
    create: number;
    update: number;
    delete: number;
    actions: number;
  };
}
export interface PlanAction {
  /**
   * Unique within the plan, e.g. node/r1-01/enroll.
   */
  id: string;
  resource: 'node' | 'deployment';
  /**
   * The spec or record the action changes.
   */
  name: string;
  /**
   * The node acted upon (name or uuid), when known at plan time.
   */
  node?: string;
  op:
    | 'enroll'
    | 'update'
    | 'add_port'
    | 'remove_port'
    | 'update_port'
    | 'manage'
    | 'provide'
    | 'power_on'
    | 'power_off'
    | 'set_maintenance'
    | 'unset_maintenance'
    | 'deploy'
    | 'rebuild'
    | 'undeploy'
    | 'delete'
    | 'forget';
  reasons: {
    field: string;
    desired?: unknown;
    recorded?: unknown;
    note?: string;
  }[];
  depends_on: string[];
  params?: {
    [k: string]: unknown;
  };
}
