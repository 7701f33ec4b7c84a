// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * interrupted: the manager running it stopped; applying again continues from the recorded state.
 */
export type ApplyStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';
/**
 * skipped: an action it depends on did not succeed; not run: the apply stopped before it started.
 */
export type ActionStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'not run';

/**
 * An apply of a stored plan, as recorded action by action (GET /v1/applies/{id}).
 */
export interface Apply {
  id: string;
  plan_id: string;
  status: ApplyStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  actions: ApplyAction[];
}
export interface ApplyAction {
  action_id: string;
  status: ActionStatus;
  error: string | null;
}
