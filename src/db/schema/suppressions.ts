import type { Generated, Selectable } from 'kysely';

export const tableName = 'suppressions';

export interface SuppressionsTable {
  id: Generated<number>;
  alert_id: number;
  /** account keys at dismissal */
  members: string[];
  member_count: number;
  reason: string | null;
  created_by: string;
  created_at: Generated<Date>;
  hits: Generated<number>;
  last_hit_at: Date | null;
  lifted_at: Date | null;
}

export type Suppression = Selectable<SuppressionsTable>;
export type PartialDB = { [tableName]: SuppressionsTable };
