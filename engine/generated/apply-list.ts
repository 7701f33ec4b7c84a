// Generated from schemas/ by `npm run gen` (json-schema-to-typescript). Do not edit.

/**
 * One page of the recorded applies, newest first (GET /v1/applies, ironplan's own); `next` links the following page while a page comes back full.
 */
export interface ApplyList {
  applies: ApplySummary[];
  /**
   * The URL of the next page (the same query with marker set to the last apply of this one).
   */
  next?: string;
}
export interface ApplySummary {
  id: string;
  plan_id: string;
  /**
   * The outcome once finished_at is set; running until then.
   */
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  started_at: string;
  finished_at: string | null;
  error: string | null;
  /**
   * How many of its actions are in each status (every status present, zero included), and how many it has.
   */
  counts: {
    total: number;
    pending: number;
    running: number;
    done: number;
    failed: number;
    skipped: number;
    'not run': number;
  };
}
