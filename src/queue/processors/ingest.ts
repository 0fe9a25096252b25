import type { Logger } from 'pino';
import { ingestRepository } from '../../db/ingest-repository.ts';
import type { ChunkInput, ChunkResult } from '../../db/ingest-repository.ts';
import type { Db } from '../../db/connection.ts';
import { parseIngestPayload } from '../payloads.ts';

export type IngestProcessor = (data: unknown, jobId: string) => Promise<ChunkResult>;

/**
 * The ingest job: validate the payload (a bad one throws PayloadError, never retried),
 * then write the chunk in one transaction. The same function runs under BullMQ and
 * in-process.
 */
export function createIngestProcessor(deps: {
  db: Db;
  log: Logger;
  /** after the chunk's commit (also on a retry that found it written): queue the follow-up work */
  onWritten?: (r: ChunkResult, batchId: number, chunk: ChunkInput) => void | Promise<void>;
}): IngestProcessor {
  const repo = ingestRepository(deps.db.kysely);
  return async (data, jobId) => {
    const chunk = parseIngestPayload(data);
    const started = performance.now();
    const r = await repo.writeChunk(chunk);
    deps.log.debug(
      { jobId, batchId: chunk.batchId, seq: chunk.seq, ...r, ms: Math.round(performance.now() - started) },
      r.written ? 'chunk written' : 'chunk already written, skipped',
    );
    await deps.onWritten?.(r, chunk.batchId, chunk);
    return r;
  };
}
