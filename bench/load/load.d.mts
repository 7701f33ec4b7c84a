// Types of load.mjs for the TypeScript test that runs its short version (test/fuzz/load.test.ts).
export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  byStatus: Record<string, number>;
  byOp: Record<string, number>;
  errors: string[];
  nodes: number;
}
export function runLoad(opts: { endpoint: string; clients?: number; seconds?: number; onSecond?: (s: { requests: number }) => void }): Promise<LoadResult>;
