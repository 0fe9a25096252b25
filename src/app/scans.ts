import type { Queue } from 'bullmq';
import type { Config } from '../../config/config.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import type { Db } from '../db/connection.ts';
import { runScan } from '../detect/scan.ts';
import type { ScanResult, ScanType } from '../detect/scan.ts';
import type { Logger } from '../logger.ts';
import { detectPayload } from '../queue/alerting-payloads.ts';
import { scanJobId } from '../queue/job-ids.ts';
import { jobOptions } from '../queue/job-options.ts';
import { QUEUE_SCAN } from '../queue/names.ts';
import { checkRedis, createRedis } from '../queue/redis.ts';
import { detectDeps } from './detection.ts';
import { loggedQueue } from './queues.ts';
import { inlineNotifier, redisNotifier } from './triggers.ts';

/** Scans asked for by hand (CLI, API): queued for a scan worker, or run in this process. */

/** Put one scan job on a scan queue; the same kind and window is one job unless a suffix tells them apart. */
export async function addScanJob(config: Pick<Config, 'scans'>, queue: Queue, kind: ScanType, w: TimeWindow, suffix?: string): Promise<string> {
  const jobId = scanJobId(kind, w, suffix);
  const p = detectPayload(w);
  await queue.add(kind, { kind, from: p.windowStart, to: p.windowEnd }, { ...jobOptions(config.scans), jobId });
  return jobId;
}

/** Queue a scan for the scan workers (needs REDIS_URL); returns the job id. */
export async function enqueueScan(config: Config, log: Logger, kind: ScanType, w: TimeWindow): Promise<string> {
  if (!config.redisUrl) throw new Error('queueing a scan needs REDIS_URL (a queue for the scan workers)');
  await checkRedis(config.redisUrl);
  const conn = createRedis(config.redisUrl);
  const q = loggedQueue(QUEUE_SCAN, conn, config.queuePrefix, log);
  try {
    return await addScanJob(config, q, kind, w);
  } finally {
    await q.close();
    conn.disconnect();
  }
}

/** Run a scan here and now; its webhooks go on the notify queue when Redis is configured, else in-process. */
export async function runScanHere(config: Config, db: Db, log: Logger, kind: ScanType, w: TimeWindow, jobId: string | null = null): Promise<ScanResult> {
  let conn = null;
  let notifier = inlineNotifier(config, db, log);
  if (config.redisUrl && config.webhook) {
    await checkRedis(config.redisUrl);
    conn = createRedis(config.redisUrl);
    notifier = redisNotifier(config, conn, log);
  }
  try {
    return await runScan(detectDeps(config, db, log, notifier.send), kind, w, jobId);
  } finally {
    await notifier.close();
    conn?.disconnect();
  }
}
