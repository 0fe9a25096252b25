import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import type { Config } from '../../config/config.ts';
import { DEFAULT_DETECTION } from '../../config/detection.ts';
import { loadNarrativeLexicons } from '../../config/narratives.ts';
import { compileNarratives } from '../core/narratives/index.ts';
import type { CompiledNarratives } from '../core/narratives/index.ts';
import type { AnalyzeParams } from '../core/analyze.ts';
import type { Db } from '../db/connection.ts';
import type { AlertNotice } from '../db/alert-repository.ts';
import type { ChunkInput, ChunkResult } from '../db/ingest-repository.ts';
import type { DetectDeps } from '../detect/deps.ts';
import { threadEngine } from '../detect/engine-client.ts';
import { inlineEngine } from '../detect/engine.ts';
import type { Engine } from '../detect/engine.ts';
import { SEVERITY_RANK } from '../detect/identity.ts';
import { detectAgainJobId, detectJobId, minutes, windowsOf } from '../detect/windows.ts';
import type { TimeWindow } from '../detect/windows.ts';
import type { Logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { detectPayload, notifyJobId } from './detect-payloads.ts';
import { createBullWorker, InlineQueue } from './job-queue.ts';
import type { RetryPolicy } from './job-queue.ts';
import { QUEUE_DETECT, QUEUE_NOTIFY, QUEUE_SCAN } from './names.ts';
import { createDetectProcessor } from './processors/detect.ts';
import { createNotifyProcessor } from './processors/notify.ts';
import { createScanProcessor } from './processors/scan.ts';
import { upsertSchedulers } from './schedulers.ts';

/**
 * The alerting side of the queues: detect windows queued after ingest chunks, scans,
 * notifications. Redis mode uses BullMQ; the embedded default runs the same processors
 * in-process.
 */

/** Completed jobs go at once, so a window's id is free for the next chunk; failed ones stay, with their reason. */
export const jobOptions = (p: RetryPolicy) => ({
  attempts: p.attempts,
  backoff: { type: 'exponential' as const, delay: p.backoffMs },
  removeOnComplete: true,
  removeOnFail: false,
});

/** Notices worth a webhook: the endpoint is set and the severity reaches its minimum. */
export function noticesToSend(config: Pick<Config, 'webhook'>, notices: readonly AlertNotice[]): AlertNotice[] {
  const w = config.webhook;
  if (!w) return [];
  return notices.filter((n) => SEVERITY_RANK[n.severity]! >= SEVERITY_RANK[w.minSeverity]!);
}

let compiled: { narratives: CompiledNarratives | undefined } | null = null;

/** The shipped narrative lexicons, compiled once per process; a broken folder is reported, not fatal. */
function narratives(log: Logger): CompiledNarratives | undefined {
  if (!compiled) {
    try {
      compiled = { narratives: compileNarratives(loadNarrativeLexicons()) };
    } catch (err) {
      log.warn({ err }, 'narrative lexicons not loaded; scores leave narratives out');
      compiled = { narratives: undefined };
    }
  }
  return compiled.narratives;
}

const engines = new Map<string, Engine>();

/**
 * The process's detection engine for a database: on Postgres one worker thread with its own
 * small pool, shared by every job of the process (so a long scan never blocks the event
 * loop); on the embedded database the engine runs in-process (PGlite has one session).
 */
export function engineFor(config: Pick<Config, 'databaseUrl'>, db: Db, log: Logger): Engine {
  if (db.kind !== 'postgres' || !config.databaseUrl) return inlineEngine(db, narratives(log));
  let e = engines.get(config.databaseUrl);
  if (!e) {
    e = threadEngine({ databaseUrl: config.databaseUrl, poolSize: 2, narratives: narratives(log) !== undefined }, log.child({ name: 'engine' }));
    engines.set(config.databaseUrl, e);
  }
  return e;
}

/** Stop the engine threads (graceful shutdown); an idle thread never holds the process open anyway. */
export async function closeEngines(): Promise<void> {
  const all = [...engines.values()];
  engines.clear();
  await Promise.all(all.map((e) => e.close()));
}

export function detectDeps(config: Config, db: Db, log: Logger, onNotices?: DetectDeps['onNotices'], params: AnalyzeParams = DEFAULT_DETECTION): DetectDeps {
  return { db, log, config, params, onNotices, narratives: narratives(log), engine: engineFor(config, db, log) };
}

/** The windows an ingest chunk touches; a chunk spread over too many (a backfill) is left to scans. */
export function windowsOfChunk(config: Config, chunk: ChunkInput, log: Logger): TimeWindow[] {
  const ws = windowsOf(
    chunk.posts.map((p) => Date.parse(p.posted_at)).filter((t) => Number.isFinite(t)),
    minutes(config.detect.windowMinutes),
  );
  if (ws.length > config.detect.maxWindowsPerChunk) {
    log.info({ batchId: chunk.batchId, seq: chunk.seq, windows: ws.length }, 'chunk spans too many windows for streaming detection; left to scans');
    return [];
  }
  return ws;
}

export interface DetectTrigger {
  /** hand to createIngestProcessor as onWritten: queues the chunk's windows after its commit */
  onChunkWritten(r: ChunkResult, batchId: number, chunk: ChunkInput): Promise<void>;
  /** inline: run the windows still pending; redis: nothing to wait for */
  close(): Promise<void>;
}

function shouldDetect(config: Config, r: ChunkResult): boolean {
  // a chunk written again by a retry (written=false) may still have missed its enqueue
  return config.detect.streaming && (!r.written || r.accepted > 0);
}

/** A queue whose connection errors (Redis restarting) are logged, not printed raw: it reconnects on its own. */
function loggedQueue(name: string, conn: Redis, prefix: string, log: Logger): Queue {
  const q = new Queue(name, { connection: conn, prefix });
  q.on('error', (err) => log.warn({ err, queue: name }, 'queue connection error'));
  return q;
}

export function redisDetectTrigger(config: Config, conn: Redis, log: Logger): DetectTrigger {
  const queue = loggedQueue(QUEUE_DETECT, conn, config.queuePrefix, log);
  const opts = jobOptions(config.detect);
  return {
    async onChunkWritten(r, _batchId, chunk) {
      if (r.written) metrics.postsIngested.inc(r.accepted);
      if (!shouldDetect(config, r)) return;
      const ws = windowsOfChunk(config, chunk, log);
      if (ws.length === 0) return;
      // a job id already waiting or running absorbs the add: the window is queued once.
      // Ingest never fails for detection's sake: a window missed here is the rolling scan's.
      try {
        await queue.addBulk(ws.map((w) => ({ name: 'window', data: detectPayload(w), opts: { ...opts, jobId: detectJobId(w) } })));
      } catch (err) {
        metrics.jobFailures.inc({ queue: QUEUE_DETECT });
        log.error({ err, batchId: chunk.batchId, seq: chunk.seq, windows: ws.length }, 'could not queue detection windows; the rolling scan will cover them');
      }
    },
    close: () => queue.close(),
  };
}

/** Embedded: windows are collected while the chunks land, then detected in-process, oldest first. */
export function inlineDetectTrigger(config: Config, db: Db, log: Logger): DetectTrigger {
  const pending = new Map<string, TimeWindow>();
  return {
    async onChunkWritten(r, _batchId, chunk) {
      if (r.written) metrics.postsIngested.inc(r.accepted);
      if (!shouldDetect(config, r)) return;
      for (const w of windowsOfChunk(config, chunk, log)) pending.set(detectJobId(w), w);
    },
    async close() {
      if (pending.size === 0) return;
      const notify = inlineNotifier(config, db, log);
      const detect = createDetectProcessor(detectDeps(config, db, log, notify.send));
      const queue = new InlineQueue(detect, config.detect, 1, log);
      const ws = [...pending.entries()].sort((a, b) => a[1].start.getTime() - b[1].start.getTime());
      pending.clear();
      for (const [id, w] of ws) await queue.add(id, detectPayload(w));
      await queue.drain();
      await notify.close();
      log.info({ windows: ws.length, failed: queue.failed.length }, 'streaming detection done');
    },
  };
}

interface Notifier {
  send(notices: AlertNotice[]): Promise<void>;
  close(): Promise<void>;
}

/** Notifications in-process (embedded); a failing endpoint is retried in the background. */
export function inlineNotifier(config: Config, db: Db, log: Logger): Notifier {
  if (!config.webhook) return { send: async () => {}, close: async () => {} };
  const queue = new InlineQueue(createNotifyProcessor({ db, log, webhook: config.webhook }), config.webhook, 2, log);
  return {
    send: async (notices) => {
      for (const n of noticesToSend(config, notices)) await queue.add(notifyJobId(n), n);
    },
    close: () => queue.drain(),
  };
}

/** Notifications onto the notify queue; failing to queue one is logged, never fails detection. */
export function redisNotifier(config: Config, conn: Redis, log: Logger): Notifier {
  if (!config.webhook) return { send: async () => {}, close: async () => {} };
  const queue = loggedQueue(QUEUE_NOTIFY, conn, config.queuePrefix, log);
  const opts = { ...jobOptions(config.webhook), removeOnComplete: { age: 7 * 86_400 } };
  return {
    send: async (notices) => {
      const todo = noticesToSend(config, notices);
      if (todo.length === 0) return;
      try {
        await queue.addBulk(todo.map((n) => ({ name: n.event, data: n, opts: { ...opts, jobId: notifyJobId(n) } })));
      } catch (err) {
        log.error({ err, notices: todo }, 'could not queue webhook notifications');
      }
    },
    close: () => queue.close(),
  };
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
      const id = jobId.startsWith('detect-again:') ? detectJobId(w) : detectAgainJobId(w);
      await detectQueue.add('window', detectPayload(w), { ...opts, jobId: id });
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
