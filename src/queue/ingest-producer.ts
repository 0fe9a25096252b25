import type { CanonicalPost, ParsedRecord } from '../core/types.ts';
import type { Db } from '../db/connection.ts';
import { ingestRepository, STALE_AFTER_MS } from '../db/ingest-repository.ts';
import type { IngestBatchRow, PostPosition, RejectedInput } from '../db/ingest-repository.ts';
import type { JobQueue } from './job-queue.ts';
import { ingestJobId } from './job-ids.ts';
import { encodeChunkPosts } from './payloads.ts';
import { encodePositions } from './processors/ingest.ts';

export interface ProduceOptions {
  db: Db;
  queue: JobQueue;
  /** records, singly or in batches (the adapters' readRecordBatches is cheaper per record) */
  records: AsyncIterable<ParsedRecord | ParsedRecord[]>;
  source: string;
  format: string | null;
  fileName: string | null;
  chunkSize: number;
  /** pause reading while more than this many chunks wait in the queue */
  maxQueued: number;
  onRead?: (read: { records: number; rejected: number }) => void;
  /** how often the producer tells the database it is alive (default 30 s) */
  heartbeatMs?: number;
}

/** The producer's heartbeat period: a twentieth of the stale timeout. */
export const HEARTBEAT_MS = 30_000;

export interface ProduceResult {
  batchId: number;
  chunks: number;
  records: number;
  /** the reader stopped on an error it could not turn into a rejected record */
  readError: Error | null;
}

/**
 * Read records, cut them into chunks and queue one job per chunk (deterministic ids).
 * The batch is sealed with its chunk count at the end; the last chunk to land completes it.
 */
export async function produceIngest(o: ProduceOptions): Promise<ProduceResult> {
  const repo = ingestRepository(o.db.kysely);
  const batchId = await repo.createBatch({
    source: o.source,
    format: o.format,
    fileName: o.fileName,
  });
  let seq = 0;
  let records = 0;
  let rejectedCount = 0;
  let posts: CanonicalPost[] = [];
  let positions: PostPosition[] = [];
  let rejected: RejectedInput[] = [];
  // alive while reading (a slow stdin stream) and while waiting for room in the queue
  const beat = setInterval(() => {
    repo.heartbeat(batchId).catch(() => {});
  }, o.heartbeatMs ?? HEARTBEAT_MS);
  beat.unref();

  const flush = async () => {
    if (posts.length === 0 && rejected.length === 0) return;
    // through Redis the payload is JSON: each account profile once; in-process the objects pass as they are
    const body = o.queue.mode === 'redis' ? encodeChunkPosts(posts) : { posts };
    const data = { batchId, seq, ...body, rejected, pos: encodePositions(positions) };
    posts = [];
    positions = [];
    rejected = [];
    if (o.queue.mode === 'redis') {
      while ((await o.queue.pending()) >= o.maxQueued) await sleep(20);
    }
    await o.queue.add(ingestJobId(batchId, seq), data);
    seq++;
  };

  let readError: Error | null = null;
  try {
    try {
      for await (const item of o.records) {
        const batch = Array.isArray(item) ? item : [item];
        for (const r of batch) {
          records++;
          if (r.ok) {
            posts.push(r.post);
            positions.push(r.pos);
          } else {
            rejectedCount++;
            rejected.push({ file: r.pos.file, line: r.pos.line, raw: r.raw, reason: r.reason });
          }
          if (posts.length + rejected.length >= o.chunkSize) {
            await flush();
            o.onRead?.({ records, rejected: rejectedCount });
          }
        }
      }
    } catch (err) {
      readError = err as Error;
    }
    await flush();
    o.onRead?.({ records, rejected: rejectedCount });
    // In-process, the last chunks may still be writing. PGlite has one session with no lock
    // around transactions: a seal sent now would run inside a chunk's transaction and be
    // rolled back with it if that chunk fails. Sealing after the queue drained is also what
    // lets settleDrained() tell a failed chunk from one still to come.
    if (o.queue.mode === 'inline') await o.queue.drain();
    if (readError && seq === 0) {
      await repo.failBatch(batchId, readError.message);
    } else {
      await repo.sealBatch(
        batchId,
        seq,
        readError ? `input stopped early: ${readError.message}` : null,
      );
      // in-process and drained: a chunk still missing failed for good, so the batch ends now
      if (o.queue.mode === 'inline') await repo.settleDrained(batchId);
    }
  } catch (err) {
    // the queue or the database went away mid-way: the batch ends here, with the reason
    await repo
      .failBatch(batchId, `producer stopped after ${seq} chunk(s): ${(err as Error).message}`)
      .catch(() => {});
    throw err;
  } finally {
    clearInterval(beat);
  }
  return { batchId, chunks: seq, records, readError };
}

/** What the queue says about one job: BullMQ state (`failed`, `unknown` when gone, …) and reason. */
export type JobStateOf = (jobId: string) => Promise<{ state: string; reason?: string | null }>;

export interface WaitOptions {
  pollMs?: number;
  onProgress?: (b: IngestBatchRow) => void;
  timeoutMs?: number;
  /** no heartbeat and no chunk written for this long: the batch is abandoned (default 10 min) */
  staleAfterMs?: number;
  /** Redis mode: ask the queue about chunks not written yet, so a job failed for good fails the batch now */
  jobState?: JobStateOf;
  /** how often the queue and the heartbeat are checked (default 2 s) */
  checkMs?: number;
}

/**
 * Wait until the batch ends: completed, failed (a chunk failed for good, with its reason)
 * or abandoned (no sign of life for `staleAfterMs`). Never waits forever unless the
 * batch keeps making progress.
 */
export async function waitForBatch(
  db: Db,
  batchId: number,
  opts: WaitOptions = {},
): Promise<IngestBatchRow> {
  const repo = ingestRepository(db.kysely);
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
  const checkMs = opts.checkMs ?? 2000;
  let lastCheck = Date.now();
  const unknownSeen = new Set<number>();
  for (;;) {
    const b = await repo.getBatch(batchId);
    if (!b) throw new Error(`batch ${batchId} not found`);
    opts.onProgress?.(b);
    if (b.status !== 'running') return b;
    if (Date.now() > deadline) return b;
    if (Date.now() - lastCheck >= checkMs) {
      lastCheck = Date.now();
      if ((await repo.reapStale(opts.staleAfterMs ?? STALE_AFTER_MS, batchId)).length > 0) continue;
      if (opts.jobState && b.chunks_expected !== null) {
        const why = await finalFailure(repo, batchId, opts.jobState, unknownSeen);
        if (why) {
          await repo.failBatch(batchId, why);
          continue;
        }
      }
    }
    await sleep(opts.pollMs ?? 200);
  }
}

/** A reason if a chunk not written yet will never be: its job failed for good, or is gone. */
async function finalFailure(
  repo: ReturnType<typeof ingestRepository>,
  batchId: number,
  jobState: JobStateOf,
  unknownSeen: Set<number>,
): Promise<string | null> {
  for (const seq of await repo.missingChunks(batchId, 20)) {
    const { state, reason } = await jobState(ingestJobId(batchId, seq));
    if (state === 'failed') {
      const f = (await repo.chunkFailures(batchId)).find((x) => x.seq === seq);
      return `chunk ${seq} failed${f ? ` after ${f.attempts} attempt(s)` : ''}: ${f?.error ?? reason ?? 'no reason given'}`;
    }
    if (state === 'unknown') {
      // seen twice, checks apart: not a job between commit and completion
      if (unknownSeen.has(seq))
        return `chunk ${seq} was never written and its job is no longer in the queue`;
      unknownSeen.add(seq);
    } else unknownSeen.delete(seq);
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
