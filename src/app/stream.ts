import type { Config } from '../../config/config.ts';
import { streamCursorRepository } from '../db/stream-cursor-repository.ts';
import type { HandleMap } from '../ingest/adapters/bluesky-jetstream.ts';
import { startJetstreamStream } from '../ingest/live/stream-runner.ts';
import type { StreamStats } from '../ingest/live/stream-runner.ts';
import { FUTURE_TOLERANCE_MS } from '../ingest/types.ts';
import type { Logger } from '../logger.ts';
import { registry, startMetricsServer } from '../metrics.ts';
import { produceIngest } from '../queue/ingest-producer.ts';
import { Counter, Gauge } from 'prom-client';
import { openIngestQueue, openMigratedDb } from './services.ts';

/**
 * The live stream process (Bluesky Jetstream → the ingest queue), wired here like the worker
 * roles: the database, the ingest queue, the resumable runner (src/ingest/live) and its cursor
 * in Postgres, metrics. `coordwatch stream bluesky` and workers/stream/bluesky.ts run it.
 */

export const DEFAULT_JETSTREAM_URL = 'wss://jetstream2.us-east.bsky.network/subscribe';

/** Stream metrics, on the process registry (served at METRICS_PORT /metrics). */
const streamMetrics = {
  events: new Counter({ name: 'coordwatch_stream_events_total', help: 'Jetstream events read, by outcome (record, rejected, skipped, duplicate)', labelNames: ['stream', 'outcome'], registers: [registry] }),
  lag: new Gauge({ name: 'coordwatch_stream_lag_seconds', help: 'wall clock minus the time_us of the newest event queued', labelNames: ['stream'], registers: [registry] }),
  rate: new Gauge({ name: 'coordwatch_stream_events_per_second', help: 'events read per second over the last chunks', labelNames: ['stream'], registers: [registry] }),
  cursor: new Gauge({ name: 'coordwatch_stream_cursor_us', help: 'saved resume cursor (Jetstream time_us)', labelNames: ['stream'], registers: [registry] }),
  reconnects: new Counter({ name: 'coordwatch_stream_reconnects_total', help: 'WebSocket reconnects', labelNames: ['stream'], registers: [registry] }),
};

export interface StreamRunOptions {
  url: string;
  collections: string[];
  dids: string[];
  /** `now` (live), or a time_us to start from when no cursor is saved */
  startUs: number | null;
  overlapMs: number;
  chunkSize: number;
  flushMs: number;
  maxEvents?: number;
  handles?: HandleMap;
  /** local ingest workers in this process (redis mode); default 0 */
  workers: number;
  /** cursor row name; default bluesky:<url> */
  name?: string;
}

/**
 * The stream process: database, ingest queue, the runner, metrics; until `signal` aborts or
 * maxEvents is reached. Shared by `coordwatch stream bluesky` and workers/stream.ts.
 */
export async function runBlueskyStream(config: Config, log: Logger, o: StreamRunOptions, signal: AbortSignal): Promise<StreamStats> {
  const db = await openMigratedDb(config, log);
  let handle;
  try {
    handle = await openIngestQueue(config, db, log, o.workers);
  } catch (err) {
    await db.close();
    throw err;
  }
  const name = o.name ?? `bluesky:${o.url}`;
  const metricsServer = config.metricsPort > 0 ? await startMetricsServer(config.metricsPort, log) : null;
  const cursors = streamCursorRepository(db.kysely);
  let windowStart = Date.now();
  let windowEvents = 0;
  const queue = handle.queue;
  try {
    const stream = await startJetstreamStream({
      name,
      url: o.url,
      collections: o.collections,
      dids: o.dids,
      startUs: o.startUs,
      overlapUs: o.overlapMs * 1000,
      chunkSize: o.chunkSize,
      flushMs: o.flushMs,
      maxEvents: o.maxEvents,
      handles: o.handles,
      ctx: {
        file: `jetstream:${new URL(o.url).host}`,
        maxTextBytes: config.ingest.maxTextBytes,
        maxLineBytes: config.ingest.maxLineBytes,
        defaultPlatform: 'bluesky',
        timezone: null,
        // a stream runs for days: "the future" moves with the clock
        get maxPostedAtMs() {
          return Date.now() + FUTURE_TOLERANCE_MS;
        },
        mapping: null,
        maxDecompressedBytes: Number.MAX_SAFE_INTEGER,
      },
      cursors,
      produce: async (records) => {
        // one batch per chunk: sealed at once, so `coordwatch batches` shows the stream's progress
        await produceIngest({
          db,
          queue,
          records: (async function* () {
            yield records;
          })(),
          source: 'stream',
          format: 'bluesky-jetstream',
          fileName: o.url,
          chunkSize: Math.max(o.chunkSize, records.length),
          maxQueued: config.ingest.maxQueuedChunks,
        });
      },
      hooks: {
        onEvent: (outcome) => {
          streamMetrics.events.inc({ stream: name, outcome });
          windowEvents++;
        },
        onChunk: ({ cursorUs, lagSeconds }) => {
          streamMetrics.cursor.set({ stream: name }, cursorUs);
          if (lagSeconds !== null) streamMetrics.lag.set({ stream: name }, lagSeconds);
          const ms = Date.now() - windowStart;
          if (ms >= 5000) {
            streamMetrics.rate.set({ stream: name }, (windowEvents * 1000) / ms);
            windowStart = Date.now();
            windowEvents = 0;
          }
          log.debug({ cursorUs, lagSeconds }, 'stream chunk queued');
        },
        onConnect: (url) => log.info({ url }, 'jetstream connected'),
        onDisconnect: (d) => {
          streamMetrics.reconnects.inc({ stream: name });
          log.warn({ code: d.code, reason: d.reason, err: d.error?.message, retryInMs: d.retryInMs, attempt: d.attempt }, 'jetstream disconnected; reconnecting');
        },
      },
    });
    const onAbort = (): void => void stream.stop();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const stats = await stream.done;
    signal.removeEventListener('abort', onAbort);
    if (queue.mode === 'inline' || o.workers > 0) await queue.drain();
    return stats;
  } finally {
    await metricsServer?.close();
    await handle.close();
    await db.close();
  }
}
