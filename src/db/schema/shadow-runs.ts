import type { Generated, Selectable } from 'kysely';

export const tableName = 'shadow_runs';

/** One shadow analysis beside a live window or scan run; a failure is a row too (status failed). */
export interface ShadowRunsTable {
  id: Generated<number>;
  candidate_hash: string;
  /** the live run it shadowed (scan_runs.id) */
  scan_run_id: number | null;
  kind: string;
  /** the window the live run's clusters were stored under (clusters.window_start/end) */
  window_start: Date;
  window_end: Date;
  status: 'completed' | 'failed';
  posts: Generated<number>;
  clusters: Generated<number>;
  /** clusters at or above the candidate's alert minimum score */
  flagged: Generated<number>;
  error: string | null;
  ms: Generated<number>;
  created_at: Generated<Date>;
}

export type ShadowRunRow = Selectable<ShadowRunsTable>;
export type PartialDB = { [tableName]: ShadowRunsTable };
