import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/config.ts';
import type { Db } from '../db/connection.ts';
import type { Logger } from '../logger.ts';
import { inlineDetectTrigger } from './triggers.ts';
import { allQueues, loggedQueue } from './queues.ts';
import { addScanJob, runScanHere } from './scans.ts';
import { scanJobId } from '../queue/job-ids.ts';
import { InlineQueue, RedisQueue } from '../queue/job-queue.ts';
import { QUEUE_INGEST, QUEUE_SCAN } from '../queue/names.ts';
import { createIngestProcessor } from '../queue/processors/ingest.ts';
import { checkRedis, createRedis } from '../queue/redis.ts';
import type { ScanType } from '../detect/scan.ts';
import type { JobQueue } from '../queue/job-queue.ts';

/** What the API needs of the queues; `openApiQueues` builds it for embedded or Redis mode. */
export interface ApiQueues {
  readonly mode: 'inline' | 'redis';
  /** where POST /v1/posts puts its chunks */
  ingest: JobQueue;
  /** after a batch was produced: inline runs its detection windows; redis has workers for that */
  afterIngest(): Promise<void>;
  /** start a scan: in-process in the background (inline), or a job for the scan workers */
  triggerScan(kind: ScanType, window: { start: Date; end: Date }): Promise<{ mode: 'inline' | 'redis'; job_id: string }>;
  /** BullMQ queues shown on /admin/queues (none when embedded) */
  dashboard: Queue[];
  /** Redis ping for /readyz; null when there is no Redis */
  ping: (() => Promise<void>) | null;
  close(): Promise<void>;
}

/**
 * The API's queues. Embedded (no REDIS_URL): ingest chunks, their detection windows and
 * scans run in this process. With Redis: the API only produces jobs; workers run them.
 */
export async function openApiQueues(config: Config, db: Db, log: Logger): Promise<ApiQueues> {
  const policy = { attempts: config.ingest.attempts, backoffMs: config.ingest.backoffMs };
  if (!config.redisUrl) return inlineQueues(config, db, log, policy);

  await checkRedis(config.redisUrl);
  const conn: Redis = createRedis(config.redisUrl);
  // the API only queues chunks; the ingest workers write them and queue their detection windows
  const ingest = new RedisQueue(QUEUE_INGEST, conn, config.queuePrefix, policy);
  const scan = loggedQueue(QUEUE_SCAN, conn, config.queuePrefix, log);
  const dashboard = allQueues(conn, config.queuePrefix, log);
  return {
    mode: 'redis',
    ingest,
    afterIngest: async () => {},
    async triggerScan(kind, w) {
      const jobId = await addScanJob(config, scan, kind, w);
      return { mode: 'redis', job_id: jobId };
    },
    dashboard,
    ping: async () => {
      await conn.ping();
    },
    async close() {
      await ingest.close();
      await scan.close();
      await Promise.all(dashboard.map((q) => q.close()));
      conn.disconnect();
    },
  };
}

function inlineQueues(config: Config, db: Db, log: Logger, policy: { attempts: number; backoffMs: number }): ApiQueues {
  const trigger = inlineDetectTrigger(config, db, log);
  const processor = createIngestProcessor({ db, log: log.child({ name: 'ingest' }), onWritten: trigger.onChunkWritten, attempts: config.ingest.attempts });
  const ingest = new InlineQueue(processor, policy, db.kind === 'pglite' ? 1 : config.ingest.concurrency, log);
  // one background task at a time (PGlite has one session); close() waits for it
  let tail: Promise<unknown> = Promise.resolve();
  const background = (fn: () => Promise<unknown>) => {
    tail = tail.then(fn).catch((err: unknown) => log.error({ err }, 'background task failed'));
    return tail;
  };
  let seq = 0;
  return {
    mode: 'inline',
    ingest,
    afterIngest: async () => {
      // the windows the batch touched are detected once its chunks have landed
      void background(() => trigger.close());
    },
    async triggerScan(kind, w) {
      const jobId = scanJobId(kind, w, `api${++seq}`);
      void background(() => runScanHere(config, db, log, kind, w, jobId));
      return { mode: 'inline', job_id: jobId };
    },
    dashboard: [],
    ping: null,
    async close() {
      await ingest.close();
      await tail;
      await trigger.close();
    },
  };
}
