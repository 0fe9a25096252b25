import type { Logger } from 'pino';
import { ingestRepository, STALE_AFTER_MS } from '../../db/ingest-repository.ts';
import type { ChunkInput, ChunkResult, PostPosition } from '../../db/ingest-repository.ts';
import type { Db } from '../../db/connection.ts';
import { parseIngestPayload, PayloadError } from '../payloads.ts';

export type IngestProcessor = (data: unknown, jobId: string) => Promise<ChunkResult>;

/** INGEST_ATTEMPTS' default: the attempt that fails the batch when the caller does not say. */
const DEFAULT_ATTEMPTS = 5;
/** How often a processor looks for stale batches of dead producers (one cheap UPDATE). */
const REAP_EVERY_MS = 60_000;

/**
 * The ingest job: validate the payload, then write the chunk in one transaction. The same
 * function runs under BullMQ and in-process. A batch always ends: a bad payload fails its
 * batch at once (and is never retried), a chunk whose write fails `attempts` times fails
 * its batch with the reason (data the database refuses never gets here: the repository
 * isolates and rejects it), and now and then the processor reaps `running` batches whose
 * producer stopped sending heartbeats.
 */
export function createIngestProcessor(deps: {
  db: Db;
  log: Logger;
  /** after the chunk's commit (also on a retry that found it written): queue the follow-up work */
  onWritten?: (r: ChunkResult, batchId: number, chunk: ChunkInput) => void | Promise<void>;
  /** the queue's attempts per job (INGEST_ATTEMPTS): the last failed one fails the batch */
  attempts?: number;
  /** a running batch with no heartbeat for this long is abandoned */
  staleAfterMs?: number;
}): IngestProcessor {
  // Postgres: COPY through the pool; INGEST_WRITE=insert keeps the array INSERT path
  // (PGlite always uses it), for the benchmark's side-by-side (bench/ingest.ts).
  const repo = ingestRepository(deps.db.kysely, undefined, {
    pool: deps.db.pool,
    path: process.env.INGEST_WRITE === 'insert' ? 'insert' : 'copy',
  });
  const attempts = deps.attempts ?? DEFAULT_ATTEMPTS;
  const staleAfter = deps.staleAfterMs ?? STALE_AFTER_MS;
  let lastReap = 0;

  const reap = async () => {
    if (Date.now() - lastReap < REAP_EVERY_MS) return;
    lastReap = Date.now();
    try {
      const ids = await repo.reapStale(staleAfter);
      if (ids.length) deps.log.warn({ batches: ids, staleAfterMs: staleAfter }, 'stale ingest batches abandoned');
    } catch (err) {
      deps.log.warn({ err }, 'reaping stale batches failed');
    }
  };

  return async (data, jobId) => {
    await reap();
    let chunk: ChunkInput;
    try {
      chunk = parseIngestPayload(data);
    } catch (err) {
      if (err instanceof PayloadError) await failOnPayload(data, err);
      throw err;
    }
    chunk.positions = positionsOf(data, chunk.posts.length);
    const started = performance.now();
    let r: ChunkResult;
    try {
      r = await repo.writeChunk(chunk);
    } catch (err) {
      await countFailure(chunk, err as Error);
      throw err;
    }
    deps.log.debug(
      { jobId, batchId: chunk.batchId, seq: chunk.seq, ...r, ms: Math.round(performance.now() - started) },
      r.written ? 'chunk written' : 'chunk already written, skipped',
    );
    await deps.onWritten?.(r, chunk.batchId, chunk);
    return r;
  };

  async function countFailure(chunk: ChunkInput, err: Error): Promise<void> {
    const msg = (err.message ?? String(err)).slice(0, 1000);
    try {
      const n = await repo.recordChunkFailure(chunk.batchId, chunk.seq, msg);
      if (n >= attempts) await repo.failBatch(chunk.batchId, `chunk ${chunk.seq} failed after ${n} attempt(s): ${msg}`);
    } catch (e2) {
      // the database itself is gone: the stale reaper ends the batch later
      deps.log.warn({ err: e2, batchId: chunk.batchId, seq: chunk.seq }, 'could not record the chunk failure');
    }
  }

  async function failOnPayload(data: unknown, err: PayloadError): Promise<void> {
    const o = (typeof data === 'object' && data !== null ? data : {}) as { batchId?: unknown; seq?: unknown };
    if (typeof o.batchId !== 'number' || !Number.isSafeInteger(o.batchId) || o.batchId < 1) return;
    try {
      const seq = typeof o.seq === 'number' ? o.seq : '?';
      await repo.failBatch(o.batchId, `chunk ${seq}: ${err.message}`);
    } catch (e2) {
      deps.log.warn({ err: e2, batchId: o.batchId }, 'could not fail the batch of a bad payload');
    }
  }
}

/**
 * Positions travel beside the posts as `pos: { files, at }` (`at`: file index and line per
 * post). Optional and untrusted: anything malformed is ignored, the rejected records the
 * write makes then name the chunk instead of the file.
 */
export function positionsOf(data: unknown, n: number): (PostPosition | null)[] | undefined {
  const pos = (data as { pos?: unknown } | null)?.pos as { files?: unknown; at?: unknown } | undefined;
  if (!pos || typeof pos !== 'object') return undefined;
  const { files, at } = pos;
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string')) return undefined;
  if (!Array.isArray(at) || at.length !== 2 * n) return undefined;
  const out: (PostPosition | null)[] = [];
  for (let i = 0; i < n; i++) {
    const f = at[2 * i];
    const line = at[2 * i + 1];
    if (typeof f !== 'number' || typeof line !== 'number' || !Number.isInteger(line) || typeof files[f] !== 'string') out.push(null);
    else out.push({ file: files[f] as string, line });
  }
  return out;
}

/** The `pos` field of an ingest payload, from the records' positions. */
export function encodePositions(positions: PostPosition[]): { files: string[]; at: number[] } {
  const files: string[] = [];
  const index = new Map<string, number>();
  const at: number[] = [];
  for (const p of positions) {
    let k = index.get(p.file);
    if (k === undefined) {
      k = files.length;
      files.push(p.file);
      index.set(p.file, k);
    }
    at.push(k, p.line);
  }
  return { files, at };
}
