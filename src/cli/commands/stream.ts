import fs from 'node:fs';
import type { Command } from 'commander';
import { Counter, Gauge } from 'prom-client';
import type { Config } from '../../../config/config.ts';
import { openIngestQueue, openMigratedDb } from '../../app/services.ts';
import { streamCursorRepository } from '../../db/stream-cursor-repository.ts';
import { handlesFromDidDocs, JETSTREAM_COLLECTIONS } from '../../ingest/adapters/bluesky-jetstream.ts';
import type { HandleMap } from '../../ingest/adapters/bluesky-jetstream.ts';
import { startJetstreamStream } from '../../ingest/live/stream-runner.ts';
import type { StreamStats } from '../../ingest/live/stream-runner.ts';
import { FUTURE_TOLERANCE_MS } from '../../ingest/types.ts';
import type { Logger } from '../../logger.ts';
import { registry, startMetricsServer } from '../../metrics.ts';
import { produceIngest } from '../../app/index.ts';
import { cliContext, EXIT, runCommand, UsageError } from '../context.ts';

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

interface StreamFlags {
  url: string;
  collections: string;
  dids?: string;
  cursor?: string;
  overlapMs: string;
  chunkSize: string;
  flushMs: string;
  maxEvents?: string;
  didDocs?: string;
  workers: string;
  name?: string;
}

function int(v: string, what: string, min: number, max: number): number {
  const k = Number(v);
  if (!Number.isInteger(k) || k < min || k > max) throw new UsageError(`${what}: expected an integer from ${min} to ${max}, got "${v}"`);
  return k;
}

export function streamOptionsFromFlags(f: StreamFlags): StreamRunOptions {
  const collections = f.collections.split(',').map((s) => s.trim()).filter(Boolean);
  for (const c of collections) {
    if (!(JETSTREAM_COLLECTIONS as readonly string[]).includes(c)) {
      throw new UsageError(`--collections: "${c}" is not ingested; use ${JETSTREAM_COLLECTIONS.join(', ')}`);
    }
  }
  const dids = (f.dids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const d of dids) if (!d.startsWith('did:')) throw new UsageError(`--dids: "${d}" is not a DID`);
  let startUs: number | null = null;
  if (f.cursor !== undefined && f.cursor !== 'now') startUs = int(f.cursor, '--cursor', 0, Number.MAX_SAFE_INTEGER);
  try {
    const u = new URL(f.url);
    if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new Error('not ws');
  } catch {
    throw new UsageError(`--url: expected a ws:// or wss:// URL, got "${f.url}"`);
  }
  let handles: HandleMap | undefined;
  if (f.didDocs !== undefined) {
    try {
      handles = handlesFromDidDocs(JSON.parse(fs.readFileSync(f.didDocs, 'utf8')));
    } catch (err) {
      throw new UsageError(`--did-docs: cannot read ${f.didDocs}: ${(err as Error).message}`);
    }
  }
  return {
    url: f.url,
    collections,
    dids,
    startUs,
    overlapMs: int(f.overlapMs, '--overlap-ms', 0, 3_600_000),
    chunkSize: int(f.chunkSize, '--chunk-size', 1, 100_000),
    flushMs: int(f.flushMs, '--flush-ms', 10, 600_000),
    maxEvents: f.maxEvents === undefined ? undefined : int(f.maxEvents, '--max-events', 1, Number.MAX_SAFE_INTEGER),
    handles,
    workers: int(f.workers, '--workers', 0, 64),
    name: f.name,
  };
}

export function addStreamOptions(c: Command): Command {
  return c
    .option('--url <ws-url>', 'Jetstream subscribe endpoint', DEFAULT_JETSTREAM_URL)
    .option('--collections <list>', 'collections to ingest (comma-separated)', JETSTREAM_COLLECTIONS.join(','))
    .option('--dids <list>', 'only these repositories (comma-separated DIDs, up to 10,000)')
    .option('--cursor <time_us|now>', 'where to start when no cursor is saved yet (default now); a saved cursor always wins')
    .option('--overlap-ms <ms>', 'replayed before the saved cursor on resume (Jetstream time_us is loosely ordered)', '2000')
    .option('--chunk-size <n>', 'events per queued chunk', '2000')
    .option('--flush-ms <ms>', 'queue a partial chunk after this long', '2000')
    .option('--max-events <n>', 'stop after this many events (tests, benchmarks)')
    .option('--did-docs <file>', 'JSON map DID → DID document, for handles before identity events name them')
    .option('-w, --workers <n>', 'with REDIS_URL: ingest workers in this process too (0 = workers elsewhere)', '0')
    .option('--name <name>', 'cursor name (default bluesky:<url>); two streams with one name share a cursor');
}

export function registerStreamCommand(program: Command): void {
  const stream = program.command('stream').description('live ingest from a public stream into the ingest queue');
  addStreamOptions(
    stream
      .command('bluesky')
      .description('read Bluesky Jetstream (posts, reposts, likes, follows) into the ingest queue; resumes from its saved cursor'),
  )
    .addHelpText(
      'after',
      '\nThe cursor (Jetstream time_us of the newest queued event) is saved in Postgres (stream_cursors) after each chunk is queued;\n' +
        'a restart resumes at cursor − overlap and drops the events of the overlap already queued. SIGTERM/SIGINT: queue the\n' +
        'chunk in hand, save the cursor, exit 0. Metrics on METRICS_PORT: coordwatch_stream_{events_total,lag_seconds,events_per_second,cursor_us,reconnects_total}.\n' +
        'Exit codes: 0 stopped, 2 bad option, 3 database or Redis unreachable.',
    )
    .action((flags: StreamFlags) => runCommand(() => streamCommand(flags)));
}

async function streamCommand(flags: StreamFlags): Promise<number> {
  const { config, log } = cliContext();
  const o = streamOptionsFromFlags(flags);
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    const s = await runBlueskyStream(config, log.child({ name: 'stream' }), o, ac.signal);
    process.stdout.write(
      `stream stopped: ${s.events} events (${s.records} records, ${s.rejected} rejected, ${s.skipped} skipped, ${s.duplicates} replayed duplicates) in ${s.chunks} chunks; cursor ${s.cursorUs ?? 'none'}; ${s.reconnects} reconnects\n`,
    );
    return EXIT.ok;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}
