import type { ColumnType, Selectable } from 'kysely';

export const tableName = 'alert_edges';

/** An alert's own coordination edges, as the detector built them (the network picture draws these). */
export interface AlertEdgesTable {
  alert_id: number;
  /** account keys `platform:id`, a < b */
  account_a: string;
  account_b: string;
  kind: string;
  weight: number;
  strength: number;
  /** post keys of a few co-actions behind the edge (JSON array) */
  evidence_posts: ColumnType<string[], string, string>;
}

export type AlertEdgeRow = Selectable<AlertEdgesTable>;
export type PartialDB = { [tableName]: AlertEdgesTable };
