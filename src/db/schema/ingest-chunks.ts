import type { Generated, Selectable } from 'kysely';

export const tableName = 'ingest_chunks';

export interface IngestChunksTable {
  batch_id: number;
  seq: number;
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  written_at: Generated<Date>;
}

export type IngestChunk = Selectable<IngestChunksTable>;
export type PartialDB = { [tableName]: IngestChunksTable };
