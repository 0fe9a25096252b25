import path from 'node:path';
import type { Command } from 'commander';
import { expandInput, INPUT_FORMATS, parseColumnMapping, readRecordBatches } from '../../ingest/index.ts';
import type { InputFormat, ReadOptions } from '../../ingest/index.ts';
import { ingestRepository } from '../../db/ingest-repository.ts';
import type { IngestBatchRow } from '../../db/ingest-repository.ts';
import { produceIngest, RedisQueue, waitForBatch } from '../../app/producer.ts';
import type { JobStateOf } from '../../queue/ingest-producer.ts';
import { openIngestQueue, openMigratedDb } from '../../app/services.ts';
import { cliContext, EXIT, runCommand, UsageError } from '../context.ts';
import { detectionLines, detectionMark, detectionSince, n, rate, safe, secs } from '../format.ts';

// the one list of formats is the ingest registry's
const FORMATS: readonly InputFormat[] = INPUT_FORMATS;

interface IngestFlags {
  format?: string;
  map?: string;
  timezone?: string;
  platform?: string;
  workers?: string;
  enqueueOnly?: boolean;
  progress?: boolean;
  staleAfter?: string;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('ingest posts from a file, a folder, or - (stdin) through the ingest queue into the database')
    .argument('<input>', 'file (plain or gzip), folder, or - for stdin')
    .option('-f, --format <format>', `input format (default: detected): ${FORMATS.join(', ')}`)
    .option('-m, --map <mapping>', 'column mapping for --format csv: "post_id=id,account.id=user,text=text,posted_at=created_at" or a JSON file')
    .option('--timezone <tz>', 'time zone of timestamps without one (e.g. America/New_York)', 'UTC')
    .option('--platform <name>', 'platform for formats that do not say', 'x')
    .option('-w, --workers <n>', 'with REDIS_URL: chunks this process also works itself (0 = only enqueue)')
    .option('--enqueue-only', 'with REDIS_URL: queue the chunks and exit; workers elsewhere write them')
    .option('--no-progress', 'no progress output')
    .option('--stale-after <minutes>', 'give up on a batch with no progress (no chunk written) for this long', '10')
    .addHelpText(
      'after',
      '\nExit codes: 0 done (also with rejected, trimmed or changed records), 1 the batch failed (a chunk could not be written,\n' +
        'with the reason) or was abandoned (no progress for --stale-after minutes), 2 input unreadable or bad option,\n' +
        '3 database or Redis unreachable.',
    )
    .action((input: string, flags: IngestFlags) => runCommand(() => ingestCommand(input, flags)));
}

async function ingestCommand(input: string, flags: IngestFlags): Promise<number> {
  const { config, log } = cliContext();
  if (flags.format && !FORMATS.includes(flags.format as InputFormat)) {
    throw new UsageError(`unknown --format "${flags.format}"; use one of ${FORMATS.join(', ')}`);
  }
  const mapping = flags.map ? parseColumnMapping(flags.map) : null;
  if (mapping && flags.format && flags.format !== 'csv') throw new UsageError('--map goes with --format csv');
  const staleAfterMs = parseMinutes(flags.staleAfter ?? '10') * 60_000;
  const targets = await resolveTargets(input, (flags.format as InputFormat | undefined) ?? (mapping ? 'csv' : undefined));

  const db = await openMigratedDb(config, log);
  // what detection did during this command, read back after each batch (windows, alerts)
  let mark = await detectionMark(db.kysely);
  const local = flags.enqueueOnly ? 0 : flags.workers !== undefined ? parseWorkers(flags.workers) : config.ingest.concurrency;
  let handle;
  try {
    handle = await openIngestQueue(config, db, log, local);
  } catch (err) {
    await db.close();
    throw err;
  }
  const showProgress = flags.progress !== false;
  const tty = Boolean(process.stderr.isTTY);
  let worst: number = EXIT.ok;
  let summarizeAtClose = false;
  try {
    for (const t of targets) {
      const readOpts: ReadOptions = {
        format: t.format,
        mapping,
        timezone: flags.timezone,
        defaultPlatform: flags.platform,
        maxTextBytes: config.ingest.maxTextBytes,
        maxLineBytes: config.ingest.maxLineBytes,
      };
      const started = Date.now();
      const label = t.input === '-' ? 'stdin' : t.input;
      let lastPrint = 0;
      let read = 0;
      const progress = (b: IngestBatchRow | null) => {
        if (!showProgress) return;
        const now = Date.now();
        if (!tty && now - lastPrint < 2000) return;
        lastPrint = now;
        const done = b ? b.accepted + b.duplicates + b.rejected : 0;
        const line = `${label}: read ${n(read)}, written ${n(done)} (${n(b?.accepted ?? 0)} new, ${n(b?.duplicates ?? 0)} dup, ${n(b?.rejected ?? 0)} rejected), ${n(rate(done, now - started))} posts/s`;
        process.stderr.write(tty ? `\r\u001b[2K${bar(done, read)} ${line}` : `${line}\n`);
      };
      const produced = await produceIngest({
        db,
        queue: handle.queue,
        records: readRecordBatches(t.input === '-' ? process.stdin : t.input, readOpts),
        source: 'cli',
        format: t.format,
        fileName: t.input === '-' ? '-' : path.resolve(t.input),
        chunkSize: config.ingest.chunkSize,
        maxQueued: config.ingest.maxQueuedChunks,
        onRead: (r) => {
          read = r.records;
        },
      });
      if (flags.enqueueOnly) {
        process.stdout.write(`batch ${produced.batchId}: ${n(produced.records)} records queued in ${produced.chunks} chunks\n`);
        continue;
      }
      const repo = ingestRepository(db.kysely);
      // In-process: every job has run after drain(), so a chunk still missing failed for good.
      // With Redis the batch itself is waited for (drain() would wait on every batch's jobs,
      // and for ever when no worker runs): a job failed for good or no progress ends the wait.
      if (handle.queue.mode === 'inline') {
        await handle.queue.drain();
        await repo.settleDrained(produced.batchId);
      }
      const batch = await waitForBatch(db, produced.batchId, {
        onProgress: progress,
        staleAfterMs,
        jobState: handle.queue instanceof RedisQueue ? bullJobState(handle.queue) : undefined,
      });
      if (showProgress && tty) process.stderr.write('\n');
      const rejected = await repo.rejectedOf(batch.id, 5);
      process.stdout.write(summary(batch, label, t.format, Date.now() - started, rejected));
      // with workers, detection runs beside the batch: what it did so far; embedded, it runs when the queue closes
      if (handle.queue.mode !== 'inline') {
        process.stdout.write(detectionLines(await detectionSince(db.kysely, mark), { queued: true }).join('\n') + '\n');
        mark = await detectionMark(db.kysely);
      } else summarizeAtClose = !flags.enqueueOnly;
      if (produced.readError && produced.chunks === 0) worst = EXIT.input;
      if (batch.status === 'failed' || batch.status === 'abandoned') {
        if (!(produced.readError && produced.chunks === 0)) {
          process.stderr.write(`coordwatch: batch ${batch.id} ${batch.status}: ${safe(batch.error ?? 'no reason recorded', 500)}\n`);
        }
        worst = Math.max(worst, EXIT.failure);
      }
    }
  } finally {
    await handle.close();
    if (summarizeAtClose) {
      // a summary, never a reason to fail: the batch result above stands
      const o = await detectionSince(db.kysely, mark).catch(() => null);
      if (o) process.stdout.write(['detection', ...detectionLines(o)].join('\n') + '\n');
    }
    await db.close();
  }
  return worst;
}

/** BullMQ's view of one ingest job: a job failed for good fails its batch at once. */
function bullJobState(q: RedisQueue): JobStateOf {
  return async (jobId) => {
    // the state alone: getJob would load and parse the chunk's whole payload (MBs) every poll
    const state = await q.queue.getJobState(jobId);
    if (state !== 'failed') return { state };
    const job = await q.queue.getJob(jobId);
    return { state, reason: job?.failedReason ?? null };
  };
}

function parseMinutes(v: string): number {
  const k = Number(v);
  if (!Number.isFinite(k) || k <= 0 || k > 10_080) throw new UsageError(`--stale-after: expected minutes, more than 0 and at most 10080, got "${v}"`);
  return k;
}

function parseWorkers(v: string): number {
  const k = Number(v);
  if (!Number.isInteger(k) || k < 0 || k > 64) throw new UsageError(`--workers: expected 0 to 64, got "${v}"`);
  return k;
}

function bar(done: number, total: number): string {
  const w = 20;
  const f = total > 0 ? Math.min(w, Math.round((done / total) * w)) : 0;
  return `[${'#'.repeat(f)}${'.'.repeat(w - f)}]`;
}

function summary(
  b: IngestBatchRow,
  label: string,
  format: string,
  ms: number,
  rejected: { line: number; file: string; reason: string }[],
): string {
  const lines = [
    `batch ${b.id}  ${safe(label)} (${format})  ${b.status}`,
    `  accepted    ${n(b.accepted)}`,
    `  duplicates  ${n(b.duplicates)}`,
    `  rejected    ${n(b.rejected)}`,
    ...(b.trimmed ? [`  trimmed     ${n(b.trimmed)} (stored with a field cut to a storage limit)`] : []),
    ...(b.changed ? [`  changed     ${n(b.changed)} (post id stored already with other content; stored post kept)`] : []),
    `  time        ${secs(ms)} (${n(rate(b.total, ms))} records/s)`,
  ];
  if (b.error) lines.push(`  note        ${safe(b.error)}`);
  if (rejected.length) {
    lines.push('  first rejected:');
    for (const r of rejected) lines.push(`    ${safe(path.basename(r.file))}:${r.line}  ${safe(r.reason)}`);
    if (b.rejected > rejected.length) lines.push(`    … see: coordwatch batches ${b.id}`);
  }
  if (b.changed || b.trimmed) lines.push(`  ids and reasons: coordwatch batches ${b.id}${b.changed ? ' --changed' : ' --trimmed'}`);
  return lines.join('\n') + '\n';
}

interface Target {
  input: string;
  format: InputFormat;
}

/**
 * Check the input can be read at all before anything is written: a file, `-`, or a folder
 * (subfolders included; every item passed over is said, with why: src/ingest/inputs.ts).
 */
async function resolveTargets(input: string, format: InputFormat | undefined): Promise<Target[]> {
  let expanded;
  try {
    expanded = await expandInput(input, format);
  } catch (err) {
    if ((err as Error).name === 'InputError') throw new UsageError(`cannot read input: ${safe((err as Error).message, 500)}`);
    throw err;
  }
  for (const note of expanded.notes) process.stderr.write(`${safe(note, 500)}\n`);
  return expanded.inputs.map((x) => ({ input: x.path, format: x.format }));
}
