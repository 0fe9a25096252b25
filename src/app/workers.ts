import type { Queue } from 'bullmq';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/config.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import type { Db } from '../db/connection.ts';
import type { Logger } from '../logger.ts';
import { metrics, startMetricsServer } from '../metrics.ts';
import type { MetricsServer } from '../metrics.ts';
import { detectPayload } from '../queue/alerting-payloads.ts';
import { nextDetectJobId } from '../queue/job-ids.ts';
import { jobOptions } from '../queue/job-options.ts';
import { createBullWorker } from '../queue/job-queue.ts';
import { QUEUE_DETECT, QUEUE_INGEST, QUEUE_NOTIFY, QUEUE_SCAN } from '../queue/names.ts';
import { createDetectProcessor } from '../queue/processors/detect.ts';
import { createIngestProcessor } from '../queue/processors/ingest.ts';
import { createNotifyProcessor } from '../queue/processors/notify.ts';
import { createScanProcessor } from '../queue/processors/scan.ts';
import { checkRedis, createRedis } from '../queue/redis.ts';
import { upsertSchedulers } from '../queue/schedulers.ts';
import { untilSignal } from '../shutdown.ts';
import { closeEngines, detectDeps } from './detection.ts';
import { openMigratedDb } from './services.ts';
import { allQueues, loggedQueue } from './queues.ts';
import { redisDetectTrigger, redisNotifier } from './triggers.ts';

/** The worker processes: which BullMQ workers a role runs, and how a process starts and stops. */

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
          processor: createIngestProcessor({ db, log: log.child({ name: 'ingest' }), onWritten: trigger.onChunkWritten, attempts: config.ingest.attempts }),
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
  const depthQueues = allQueues(conn, config.queuePrefix, log);
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

/** BullMQ workers of the alerting roles, for `coordwatch worker`. */
export async function startAlertingWorkers(
  config: Config,
  db: Db,
  conn: Redis,
  log: Logger,
  roles: { detect: boolean; scan: boolean; notify: boolean },
): Promise<{ workers: Worker[]; close(): Promise<void> }> {
  const notifier = redisNotifier(config, conn, log);
  const deps = detectDeps(config, db, log, notifier.send);
  const workers: Worker[] = [];
  const common = { connection: conn, prefix: config.queuePrefix, lockMs: config.jobLockMs };
  // the engine thread starts (TypeScript compiled, connections opened) before the first job waits on it
  if (roles.detect || roles.scan) await deps.engine.warm().catch((err: unknown) => log.warn({ err }, 'detection engine not ready yet; the first job starts it'));
  const queues: Queue[] = [];
  if (roles.detect) {
    const detectQueue = loggedQueue(QUEUE_DETECT, conn, config.queuePrefix, log);
    queues.push(detectQueue);
    const opts = jobOptions(config.detect);
    const requeue = async (w: TimeWindow, jobId: string) => {
      await detectQueue.add('window', detectPayload(w), { ...opts, jobId: nextDetectJobId(w, jobId) });
    };
    workers.push(
      createBullWorker({ ...common, name: QUEUE_DETECT, concurrency: config.detect.concurrency, processor: createDetectProcessor(deps, requeue), log: log.child({ name: 'worker.detect' }) }),
    );
  }
  if (roles.scan) {
    const scanQueue = loggedQueue(QUEUE_SCAN, conn, config.queuePrefix, log);
    queues.push(scanQueue);
    await upsertSchedulers(scanQueue, db, config.scans, log.child({ name: 'schedulers' }));
    workers.push(createBullWorker({ ...common, name: QUEUE_SCAN, concurrency: 1, processor: createScanProcessor(deps), log: log.child({ name: 'worker.scan' }) }));
  }
  if (roles.notify && config.webhook) {
    workers.push(
      createBullWorker({ ...common, name: QUEUE_NOTIFY, concurrency: 4, processor: createNotifyProcessor({ db, log, webhook: config.webhook }), log: log.child({ name: 'worker.notify' }) }),
    );
  } else if (roles.notify) {
    log.info('notify role: no WEBHOOK_URL, nothing to send');
  }
  return {
    workers,
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await closeEngines();
      await notifier.close();
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
