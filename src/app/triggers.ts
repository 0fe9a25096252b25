import type { Redis } from 'ioredis';
import type { Config } from '../../config/config.ts';
import { noticesToSend } from '../core/alerts/notices.ts';
import type { AlertNotice } from '../core/alerts/notices.ts';
import { minutes, windowsOf } from '../core/alerts/windows.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import type { Db } from '../db/connection.ts';
import type { ChunkInput, ChunkResult } from '../db/ingest-repository.ts';
import type { Logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { detectPayload } from '../queue/alerting-payloads.ts';
import { detectJobId, notifyJobId } from '../queue/job-ids.ts';
import { jobOptions } from '../queue/job-options.ts';
import { InlineQueue } from '../queue/job-queue.ts';
import { QUEUE_DETECT, QUEUE_NOTIFY } from '../queue/names.ts';
import { createNotifyProcessor } from '../queue/processors/notify.ts';
import { loggedQueue } from './queues.ts';

/**
 * What happens after an ingest chunk commits (its detection windows are queued) and after an
 * alert transaction commits (webhooks). Redis mode puts jobs on BullMQ queues; the embedded
 * default runs the same processors in-process. The detection engine is imported only when an
 * embedded run detects its windows (close()): a producer (`coordwatch ingest` with Redis, ~100
 * modules of detection) does not load it.
 */

const minSeverity = (config: Pick<Config, 'webhook'>) => config.webhook?.minSeverity ?? null;

/** The windows an ingest chunk touches; a chunk spread over too many (a backfill) is left to scans. */
export function windowsOfChunk(config: Config, chunk: ChunkInput, log: Logger): TimeWindow[] {
  const ws = windowsOf(postTimes(chunk), minutes(config.detect.windowMinutes));
  if (ws.length > config.detect.maxWindowsPerChunk) {
    log.info({ batchId: chunk.batchId, seq: chunk.seq, windows: ws.length }, 'chunk spans too many windows for streaming detection; left to scans');
    return [];
  }
  return ws;
}

/**
 * The chunk's post times (ms). Stored posts carry canonical UTC timestamps; a run of posts in one
 * second shares one parse, so a time-sorted chunk parses about once per distinct second.
 */
function postTimes(chunk: ChunkInput): number[] {
  const out: number[] = [];
  let lastAt = '';
  let lastT = NaN;
  for (const p of chunk.posts) {
    if (p.posted_at !== lastAt) {
      lastAt = p.posted_at;
      lastT = Date.parse(lastAt);
    }
    if (Number.isFinite(lastT)) out.push(lastT);
  }
  return out;
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
      const [{ createDetectProcessor }, { detectDeps }] = await Promise.all([
        import('../queue/processors/detect.ts'),
        import('./detection.ts'),
      ]);
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
      for (const n of noticesToSend(minSeverity(config), notices)) await queue.add(notifyJobId(n), n);
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
      const todo = noticesToSend(minSeverity(config), notices);
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
