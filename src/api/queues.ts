import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/config.ts';
import type { Db } from '../db/connection.ts';
import { runScan } from '../detect/scan.ts';
import type { Logger } from '../logger.ts';
import { detectDeps, inlineDetectTrigger, inlineNotifier, jobOptions } from '../queue/alerting.ts';
import { detectPayload } from '../queue/detect-payloads.ts';
import { InlineQueue, RedisQueue } from '../queue/job-queue.ts';
import { ALL_QUEUES, QUEUE_INGEST, QUEUE_SCAN } from '../queue/names.ts';
import { createIngestProcessor } from '../queue/processors/ingest.ts';
import { checkRedis, createRedis } from '../queue/redis.ts';
import type { ApiQueues } from './types.ts';

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
  const scan = new Queue(QUEUE_SCAN, { connection: conn, prefix: config.queuePrefix });
  const dashboard = ALL_QUEUES.map((name) => new Queue(name, { connection: conn, prefix: config.queuePrefix }));
  return {
    mode: 'redis',
    ingest,
    afterIngest: async () => {},
    async triggerScan(kind, w) {
      const jobId = `scan:${kind}:${w.start.getTime()}-${w.end.getTime()}`;
      const p = detectPayload(w);
      await scan.add(kind, { kind, from: p.windowStart, to: p.windowEnd }, { ...jobOptions(config.scans), jobId });
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
  const processor = createIngestProcessor({ db, log: log.child({ name: 'ingest' }), onWritten: trigger.onChunkWritten });
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
      const jobId = `scan:${kind}:${w.start.getTime()}-${w.end.getTime()}:api${++seq}`;
      void background(async () => {
        const notify = inlineNotifier(config, db, log);
        try {
          await runScan(detectDeps(config, db, log, notify.send), kind, w, jobId);
        } finally {
          await notify.close();
        }
      });
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
