import type { ColumnType } from 'kysely';

export const tableName = 'pair_memory';

/** What deep scans remember of a pair of accounts, per kind and UTC day (see src/core/memory). */
export interface PairMemoryTable {
  /** account keys `platform:id`, a < b */
  account_a: string;
  account_b: string;
  kind: string;
  /** the UTC day (a date; written and read as 'YYYY-MM-DD') */
  day: ColumnType<string, string, string>;
  weight: number;
  strength: number;
}

export type PartialDB = { [tableName]: PairMemoryTable };
