import path from 'node:path';
import type { Command } from 'commander';
import { ingestRepository } from '../../db/ingest-repository.ts';
import type { IngestBatchRow } from '../../db/ingest-repository.ts';
import { openMigratedDb } from '../../app/services.ts';
import { cliContext, EXIT, runCommand, UsageError } from '../context.ts';
import { n, safe, table } from '../format.ts';

interface BatchesFlags {
  limit: string;
  offset: string;
  json?: boolean;
  stale?: boolean;
  staleAfter: string;
  changed?: boolean;
  trimmed?: boolean;
}

const ago = (d: Date) => {
  const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};

export function registerBatchesCommand(program: Command): void {
  program
    .command('batches')
    .description('list ingest batches, or show one batch with its rejected records, changed ids and trims')
    .argument('[id]', 'batch id')
    .option('-n, --limit <n>', 'how many batches, rejected records or notes', '20')
    .option('--offset <n>', 'skip this many rejected records or notes', '0')
    .option('--stale', 'batches that did not end by themselves: abandoned ones, and running ones with their last heartbeat')
    .option('--stale-after <minutes>', 'a running batch with no heartbeat and no chunk written for this long is abandoned', '10')
    .option('--changed', 'with an id: the post ids re-ingested with other content (stored post kept)')
    .option('--trimmed', 'with an id: the posts stored with a field cut to a storage limit, field by field')
    .option('--json', 'JSON output')
    .addHelpText(
      'after',
      '\nListing batches first marks running batches with no sign of life for --stale-after minutes as abandoned\n' +
        '(their producer died, or no worker wrote a chunk); an abandoned batch still completes if its chunks land.',
    )
    .action((id: string | undefined, flags: BatchesFlags) => runCommand(() => batchesCommand(id, flags)));
}

async function batchesCommand(id: string | undefined, flags: BatchesFlags): Promise<number | void> {
  const limit = Number(flags.limit);
  const offset = Number(flags.offset);
  const staleMin = Number(flags.staleAfter);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive integer, got "${flags.limit}"`);
  if (!Number.isInteger(offset) || offset < 0) throw new UsageError(`--offset: expected 0 or more, got "${flags.offset}"`);
  if (!Number.isFinite(staleMin) || staleMin <= 0 || staleMin > 10_080) throw new UsageError(`--stale-after: expected minutes, more than 0 and at most 10080, got "${flags.staleAfter}"`);
  if ((flags.changed || flags.trimmed) && id === undefined) throw new UsageError('--changed and --trimmed go with a batch id');
  const { config, log } = cliContext();
  const db = await openMigratedDb(config, log);
  try {
    const repo = ingestRepository(db.kysely);
    const reaped = await repo.reapStale(staleMin * 60_000);
    if (reaped.length && !flags.json) process.stderr.write(`abandoned (no progress for ${staleMin} min): batch ${reaped.join(', ')}\n`);
    if (id === undefined) {
      const rows = flags.stale ? await repo.listUnfinished(limit) : await repo.listBatches(limit);
      if (flags.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      if (rows.length === 0) return void process.stdout.write(flags.stale ? 'no stale or running batches\n' : 'no batches yet: coordwatch ingest <file>\n');
      if (flags.stale) {
        process.stdout.write(
          table([
            ['id', 'status', 'chunks', 'accepted', 'heartbeat', 'source', 'file'],
            ...rows.map((b) => [b.id, b.status, `${b.chunks_done}/${b.chunks_expected ?? '?'}`, b.accepted, ago(b.heartbeat_at), safe(b.source, 30), safe(path.basename(b.file_name ?? ''), 50)]),
          ]) + '\n',
        );
        return;
      }
      process.stdout.write(
        table([
          ['id', 'status', 'format', 'accepted', 'dup', 'changed', 'rejected', 'started', 'file'],
          ...rows.map((b) => [b.id, b.status, b.format ?? '', b.accepted, b.duplicates, b.changed, b.rejected, b.started_at.toISOString().slice(0, 19), safe(path.basename(b.file_name ?? ''), 60)]),
        ]) + '\n',
      );
      return;
    }
    const bid = Number(id);
    if (!Number.isInteger(bid) || bid < 1) throw new UsageError(`batch id: expected a positive integer, got "${id}"`);
    const b = await repo.getBatch(bid);
    if (!b) {
      process.stderr.write(`coordwatch: no batch ${bid}\n`);
      return EXIT.input;
    }
    if (flags.changed || flags.trimmed) {
      const kind = flags.changed ? 'changed' : 'trimmed';
      const notes = await repo.notesOf(bid, kind, limit, offset);
      if (flags.json) return void process.stdout.write(JSON.stringify({ batch: b, [kind]: notes }, null, 2) + '\n');
      const total = kind === 'changed' ? b.changed : b.trimmed;
      if (notes.length === 0) return void process.stdout.write(`batch ${b.id}: no ${kind} records${offset ? ` after ${offset}` : ''}\n`);
      const out = [`batch ${b.id}: ${kind} records (${offset + 1}–${offset + notes.length}${kind === 'changed' ? ` of ${n(total)}` : ''})`];
      for (const x of notes) {
        const where = x.file ? `${safe(path.basename(x.file))}:${x.line ?? '?'}  ` : '';
        out.push(`  ${safe(x.platform, 40)} ${safe(x.post_id, 120)}  ${where}${safe(x.detail, 300)}`);
      }
      process.stdout.write(out.join('\n') + '\n');
      return;
    }
    const rejected = await repo.rejectedOf(bid, limit, offset);
    const changed = await repo.notesOf(bid, 'changed', Math.min(limit, 10));
    if (flags.json) return void process.stdout.write(JSON.stringify({ batch: b, rejected, changed }, null, 2) + '\n');
    process.stdout.write(showBatch(b, rejected, changed, offset));
  } finally {
    await db.close();
  }
}

function showBatch(
  b: IngestBatchRow,
  rejected: { file: string; line: number; reason: string; raw: string }[],
  changed: { platform: string; post_id: string; detail: string }[],
  offset: number,
): string {
  const took = b.finished_at ? `${((b.finished_at.getTime() - b.started_at.getTime()) / 1000).toFixed(1)} s` : 'running';
  const out = [
    `batch ${b.id}  ${b.status}`,
    `  source      ${safe(b.source)}`,
    `  format      ${b.format ?? ''}`,
    `  file        ${safe(b.file_name ?? '')}`,
    `  records     ${n(b.total)}`,
    `  accepted    ${n(b.accepted)}`,
    `  duplicates  ${n(b.duplicates)}${b.changed ? ` (${n(b.changed)} with other content: --changed)` : ''}`,
    `  rejected    ${n(b.rejected)}`,
    `  trimmed     ${n(b.trimmed)}${b.trimmed ? ' (stored with a field cut to a storage limit: --trimmed)' : ''}`,
    `  chunks      ${b.chunks_done}/${b.chunks_expected ?? '?'}`,
    `  started     ${b.started_at.toISOString()}`,
    `  heartbeat   ${b.heartbeat_at.toISOString()} (${ago(b.heartbeat_at)})`,
    `  took        ${took}`,
  ];
  if (b.error) out.push(`  ${b.status === 'completed' ? 'note ' : 'error'}       ${safe(b.error)}`);
  if (rejected.length) {
    out.push(`  rejected records (${offset + 1}–${offset + rejected.length} of ${n(b.rejected)}):`);
    for (const r of rejected) {
      out.push(`    ${safe(path.basename(r.file))}:${r.line}  ${safe(r.reason)}`);
      out.push(`      raw: ${safe(r.raw, 160)}`);
    }
  }
  if (changed.length) {
    out.push(`  changed post ids (first ${changed.length} of ${n(b.changed)}; all: --changed):`);
    for (const c of changed) out.push(`    ${safe(c.platform, 40)} ${safe(c.post_id, 120)}  ${safe(c.detail, 200)}`);
  }
  return out.join('\n') + '\n';
}
