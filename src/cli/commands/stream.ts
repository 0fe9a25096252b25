import fs from 'node:fs';
import type { Command } from 'commander';
import { handlesFromDidDocs, JETSTREAM_COLLECTIONS } from '../../ingest/adapters/bluesky-jetstream.ts';
import type { HandleMap } from '../../ingest/adapters/bluesky-jetstream.ts';
import { DEFAULT_JETSTREAM_URL, runBlueskyStream } from '../../app/stream.ts';
import type { StreamRunOptions } from '../../app/stream.ts';
import { cliContext, EXIT, runCommand, UsageError } from '../context.ts';

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
