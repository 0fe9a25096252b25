// Entry point of the Bluesky stream process: `node --import tsx workers/stream/bluesky.ts` (or `coordwatch stream bluesky`).
// Reads Jetstream into the ingest queue and resumes from its cursor in Postgres. Options come from
// the environment: STREAM_URL, STREAM_COLLECTIONS, STREAM_DIDS, STREAM_CURSOR (time_us or now),
// STREAM_OVERLAP_MS, STREAM_CHUNK_SIZE, STREAM_FLUSH_MS, STREAM_DID_DOCS, STREAM_WORKERS, STREAM_NAME (cursor name).
// One stream process per cursor name: two would queue every event twice. A stream is not a queue
// worker role (it reads a socket, not a queue), hence its own folder: `coordwatch worker all` does not start it.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const { loadConfig } = await import('../../config/config.ts');
const { createLogger } = await import('../../src/logger.ts');
const { runBlueskyStream, DEFAULT_JETSTREAM_URL } = await import('../../src/app/stream.ts');
const { streamOptionsFromFlags } = await import('../../src/cli/commands/stream.ts');
const { JETSTREAM_COLLECTIONS } = await import('../../src/ingest/adapters/bluesky-jetstream.ts');

const e = process.env;
const ac = new AbortController();
process.once('SIGTERM', () => ac.abort());
process.once('SIGINT', () => ac.abort());
try {
  const config = loadConfig(e);
  const log = createLogger(config).child({ name: 'worker.stream' });
  const o = streamOptionsFromFlags({
    url: e.STREAM_URL ?? DEFAULT_JETSTREAM_URL,
    collections: e.STREAM_COLLECTIONS ?? JETSTREAM_COLLECTIONS.join(','),
    dids: e.STREAM_DIDS,
    cursor: e.STREAM_CURSOR,
    overlapMs: e.STREAM_OVERLAP_MS ?? '2000',
    chunkSize: e.STREAM_CHUNK_SIZE ?? '2000',
    flushMs: e.STREAM_FLUSH_MS ?? '2000',
    didDocs: e.STREAM_DID_DOCS,
    workers: e.STREAM_WORKERS ?? '0',
    name: e.STREAM_NAME,
  });
  const s = await runBlueskyStream(config, log, o, ac.signal);
  log.info(s, 'stream stopped');
} catch (err) {
  process.stderr.write(`coordwatch stream worker: ${(err as Error).message}\n`);
  process.exitCode = (err as Error).name.endsWith('UnreachableError') ? 3 : (err as Error).name === 'UsageError' ? 2 : 1;
}
