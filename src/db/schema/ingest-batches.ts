import type { Generated, Selectable } from 'kysely';

export const tableName = 'ingest_batches';

export interface IngestBatchesTable {
  id: Generated<number>;
  source: string;
  format: string | null;
  file_name: string | null;
  status: Generated<string>;
  total: Generated<number>;
  accepted: Generated<number>;
  duplicates: Generated<number>;
  rejected: Generated<number>;
  chunks_expected: number | null;
  chunks_done: Generated<number>;
  error: string | null;
  started_at: Generated<Date>;
  finished_at: Date | null;
}

export type IngestBatch = Selectable<IngestBatchesTable>;
export type PartialDB = { [tableName]: IngestBatchesTable };
