import type { Worker } from 'bullmq';
import type { Config } from '../../config/config.ts';
import type { Logger } from '../logger.ts';
import { untilSignal } from '../shutdown.ts';
import { openMigratedDb } from '../services.ts';
import { createBullWorker } from './job-queue.ts';
import { QUEUE_INGEST } from './names.ts';
import { createIngestProcessor } from './processors/ingest.ts';
import { checkRedis, createRedis } from './redis.ts';
import { redisDetectTrigger, startAlertingWorkers } from './alerting.ts';
import { startMetricsServer } from '../metrics.ts';
import type { MetricsServer } from '../metrics.ts';
import { Queue } from 'bullmq';
import { ALL_QUEUES } from './names.ts';
import { metrics } from '../metrics.ts';

export const WORKER_ROLES = ['ingest', 'detect', 'scan', 'notify'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

export interface RunningWorkers {
  workers: Worker[];
  /** stop taking jobs, let the ones in flight finish, close queues, Redis and the pool */
  close(): Promise<void>;
}

/** Start the BullMQ workers of the given roles against Redis and Postgres. */
export async function startWorkers(config: Config, log: Logger, roles: readonly WorkerRole[]): Promise<RunningWorkers> {
  if (!config.redisUrl) {
    throw new Error(
      'workers need REDIS_URL (a queue to take jobs from). Without Redis, `coordwatch ingest` runs the same processors in-process.',
    );
  }
  await checkRedis(config.redisUrl);
  const db = await openMigratedDb(config, log);
  const conn = createRedis(config.redisUrl, { forWorker: true });
  const workers: Worker[] = [];
  // ingest chunks queue their detection windows after they commit
  const trigger = redisDetectTrigger(config, conn, log);
  for (const role of roles) {
    if (role === 'ingest') {
      workers.push(
        createBullWorker({
          name: QUEUE_INGEST,
          connection: conn,
          prefix: config.queuePrefix,
          concurrency: config.ingest.concurrency,
          processor: createIngestProcessor({ db, log: log.child({ name: 'ingest' }), onWritten: trigger.onChunkWritten }),
          log: log.child({ name: `worker.${role}` }),
          lockMs: config.jobLockMs,
        }),
      );
    }
  }
  const alerting = await startAlertingWorkers(config, db, conn, log, {
    detect: roles.includes('detect'),
    scan: roles.includes('scan'),
    notify: roles.includes('notify'),
  });
  workers.push(...alerting.workers);
  let metricsServer: MetricsServer | null = null;
  const depthQueues = ALL_QUEUES.map((n) => new Queue(n, { connection: conn, prefix: config.queuePrefix }));
  if (config.metricsPort > 0) {
    metricsServer = await startMetricsServer(config.metricsPort, log.child({ name: 'metrics' }), async () => {
      for (const q of depthQueues) {
        const c = await q.getJobCounts('waiting', 'delayed', 'active', 'failed');
        for (const [state, v] of Object.entries(c)) metrics.queueDepth.set({ queue: q.name, state }, v);
      }
    });
  }
  log.info({ roles, db: db.kind, concurrency: config.ingest.concurrency }, 'workers started');
  let closing: Promise<void> | null = null;
  return {
    workers,
    close: () =>
      (closing ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        await alerting.close();
        await trigger.close();
        await Promise.all(depthQueues.map((q) => q.close()));
        await metricsServer?.close();
        conn.disconnect();
        await db.close();
        log.info('workers closed');
      })()),
  };
}

/**
 * Process entry: start, then on SIGTERM/SIGINT stop taking work and finish what is in
 * flight. A job still running at the timeout is left to BullMQ's stalled-job check,
 * which hands it to another worker.
 */
export async function runWorkerProcess(config: Config, log: Logger, roles: readonly WorkerRole[]): Promise<void> {
  const running = await startWorkers(config, log, roles);
  await untilSignal(config, log, running.close, 'no new jobs, finishing the ones in flight');
}
