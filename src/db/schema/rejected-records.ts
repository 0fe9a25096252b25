import type { Generated, Selectable } from 'kysely';

export const tableName = 'rejected_records';

export interface RejectedRecordsTable {
  id: Generated<number>;
  batch_id: number;
  file: string;
  line: number;
  raw: string;
  reason: string;
  created_at: Generated<Date>;
}

export type RejectedRecord = Selectable<RejectedRecordsTable>;
export type PartialDB = { [tableName]: RejectedRecordsTable };
