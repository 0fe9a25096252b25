import type { ColumnType, Generated, Selectable } from 'kysely';

export const tableName = 'shadow_clusters';

/** A cluster a shadow candidate found: what it would have done, no alert written. */
export interface ShadowClustersTable {
  id: Generated<number>;
  shadow_run_id: number;
  candidate_hash: string;
  window_start: Date;
  window_end: Date;
  fingerprint: string;
  /** account keys, sorted */
  members: string[];
  size: number;
  score: number;
  severity: string;
  /** score ≥ the candidate's alert minimum: it would open or touch an alert */
  flagged: boolean;
  kinds: string[];
  score_parts: ColumnType<unknown, string, string>;
}

export type ShadowClusterRow = Selectable<ShadowClustersTable>;
export type PartialDB = { [tableName]: ShadowClustersTable };
