import type { Generated, Selectable } from 'kysely';

export const tableName = 'coordination_edges';

export interface CoordinationEdgesTable {
  window_start: Date;
  window_end: Date;
  kind: string;
  /** account keys `platform:id`, a < b */
  account_a: string;
  account_b: string;
  weight: number;
  strength: number;
  /** post keys `platform:post_id` of the capped evidence */
  evidence_posts: Generated<string[]>;
  evidence: Generated<unknown>;
  detector_version: string;
  updated_at: Generated<Date>;
}

export type CoordinationEdge = Selectable<CoordinationEdgesTable>;
export type PartialDB = { [tableName]: CoordinationEdgesTable };
