import type { Generated, Selectable } from 'kysely';

export const tableName = 'clusters';

export type ClusterOutcome = 'opened' | 'updated' | 'unchanged' | 'suppressed' | 'reopened' | 'below_threshold';

export interface ClustersTable {
  id: Generated<number>;
  fingerprint: string;
  window_start: Date;
  window_end: Date;
  scan_run_id: number | null;
  members: string[];
  size: number;
  score: number;
  severity: string;
  score_parts: unknown;
  verdict: string;
  kinds: Generated<string[]>;
  stats: Generated<unknown>;
  null_model: unknown | null;
  narratives: Generated<unknown>;
  alert_id: number | null;
  outcome: ClusterOutcome;
  detector_version: string;
  created_at: Generated<Date>;
}

export type ClusterRow = Selectable<ClustersTable>;
export type PartialDB = { [tableName]: ClustersTable };
