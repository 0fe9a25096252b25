import type { Logger } from 'pino';
import type { Config } from '../../config/config.ts';
import { migrateToLatest, openDb } from '../db/connection.ts';
import type { Db } from '../db/connection.ts';
import { createBullWorker, InlineQueue, RedisQueue } from '../queue/job-queue.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { QUEUE_INGEST } from '../queue/names.ts';
import { createIngestProcessor } from '../queue/processors/ingest.ts';
import { checkRedis, createRedis } from '../queue/redis.ts';
import { inlineDetectTrigger, redisDetectTrigger } from './triggers.ts';
import type { Redis } from 'ioredis';
import type { Worker } from 'bullmq';

/** Open the database (Postgres or embedded) and bring its schema up to date. */
export async function openMigratedDb(config: Config, log: Logger): Promise<Db> {
  const db = await openDb(config);
  const r = await migrateToLatest(db.kysely);
  const applied = r.results?.filter((x) => x.status === 'Success').map((x) => x.migrationName) ?? [];
  if (applied.length) log.info({ applied, db: db.kind }, 'migrations applied');
  return db;
}

export interface IngestQueueHandle {
  queue: JobQueue;
  /** local BullMQ workers (redis mode, unless enqueue-only) */
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * The ingest queue for a producer. Embedded (no REDIS_URL): processors run in-process.
 * With Redis: chunks go to BullMQ; `localWorkers` > 0 also works them in this process.
 */
export async function openIngestQueue(
  config: Config,
  db: Db,
  log: Logger,
  localWorkers: number,
): Promise<IngestQueueHandle> {
  const policy = { attempts: config.ingest.attempts, backoffMs: config.ingest.backoffMs };
  if (!config.redisUrl) {
    // Embedded: the windows the chunks touch are detected in-process once they have landed.
    const trigger = inlineDetectTrigger(config, db, log);
    const processor = createIngestProcessor({ db, log: log.child({ name: 'ingest' }), onWritten: trigger.onChunkWritten, attempts: config.ingest.attempts });
    // PGlite has one connection: more than one writer at a time only queues up.
    const conc = db.kind === 'pglite' ? 1 : config.ingest.concurrency;
    const queue = new InlineQueue(processor, policy, conc, log);
    return {
      queue,
      workers: [],
      close: async () => {
        await queue.close();
        await trigger.close();
      },
    };
  }
  await checkRedis(config.redisUrl);
  const conn: Redis = createRedis(config.redisUrl);
  // With Redis: the windows go on the detect queue for the detect workers.
  const trigger = redisDetectTrigger(config, conn, log);
  const processor = createIngestProcessor({ db, log: log.child({ name: 'ingest' }), onWritten: trigger.onChunkWritten, attempts: config.ingest.attempts });
  const queue = new RedisQueue(QUEUE_INGEST, conn, config.queuePrefix, policy);
  const workers: Worker[] = [];
  let workerConn: Redis | null = null;
  if (localWorkers > 0) {
    workerConn = createRedis(config.redisUrl, { forWorker: true });
    workers.push(
      createBullWorker({
        name: QUEUE_INGEST,
        connection: workerConn,
        prefix: config.queuePrefix,
        concurrency: localWorkers,
        processor,
        log,
        lockMs: config.jobLockMs,
      }),
    );
  }
  return {
    queue,
    workers,
    close: async () => {
      for (const w of workers) await w.close();
      await queue.close();
      await trigger.close();
      conn.disconnect();
      workerConn?.disconnect();
    },
  };
}

export type { Redis };
