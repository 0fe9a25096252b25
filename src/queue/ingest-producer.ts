import type { CanonicalPost, ParsedRecord } from '../core/types.ts';
import type { Db } from '../db/connection.ts';
import { ingestRepository } from '../db/ingest-repository.ts';
import type { RejectedInput } from '../db/ingest-repository.ts';
import type { IngestBatch } from '../db/schema/index.ts';
import type { JobQueue } from './job-queue.ts';
import { ingestJobId } from './job-ids.ts';

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
}

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
  const batchId = await repo.createBatch({ source: o.source, format: o.format, fileName: o.fileName });
  let seq = 0;
  let records = 0;
  let rejectedCount = 0;
  let posts: CanonicalPost[] = [];
  let rejected: RejectedInput[] = [];

  const flush = async () => {
    if (posts.length === 0 && rejected.length === 0) return;
    const data = { batchId, seq, posts, rejected };
    posts = [];
    rejected = [];
    if (o.queue.mode === 'redis') {
      while ((await o.queue.pending()) >= o.maxQueued) await sleep(20);
    }
    await o.queue.add(ingestJobId(batchId, seq), data);
    seq++;
  };

  let readError: Error | null = null;
  try {
    for await (const item of o.records) {
      const batch = Array.isArray(item) ? item : [item];
      for (const r of batch) {
        records++;
        if (r.ok) posts.push(r.post);
        else {
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
  if (readError && seq === 0) {
    await repo.failBatch(batchId, readError.message);
  } else {
    await repo.sealBatch(batchId, seq, readError ? `input stopped early: ${readError.message}` : null);
  }
  return { batchId, chunks: seq, records, readError };
}

/** Wait until the batch is no longer running (its chunks landed, or it failed). */
export async function waitForBatch(
  db: Db,
  batchId: number,
  opts: { pollMs?: number; onProgress?: (b: IngestBatch) => void; timeoutMs?: number } = {},
): Promise<IngestBatch> {
  const repo = ingestRepository(db.kysely);
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
  for (;;) {
    const b = await repo.getBatch(batchId);
    if (!b) throw new Error(`batch ${batchId} not found`);
    opts.onProgress?.(b);
    if (b.status !== 'running') return b;
    if (Date.now() > deadline) return b;
    await sleep(opts.pollMs ?? 200);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
