import path from 'node:path';
import type { Command } from 'commander';
import { ingestRepository } from '../../db/ingest-repository.ts';
import { openMigratedDb } from '../../app/services.ts';
import { cliContext, EXIT, runCommand, UsageError } from '../context.ts';
import { n, safe, table } from '../format.ts';

export function registerBatchesCommand(program: Command): void {
  program
    .command('batches')
    .description('list ingest batches, or show one batch and its rejected records')
    .argument('[id]', 'batch id')
    .option('-n, --limit <n>', 'how many batches or rejected records', '20')
    .option('--offset <n>', 'skip this many rejected records', '0')
    .option('--json', 'JSON output')
    .action((id: string | undefined, flags: { limit: string; offset: string; json?: boolean }) =>
      runCommand(async () => {
        const limit = Number(flags.limit);
        const offset = Number(flags.offset);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive integer, got "${flags.limit}"`);
        if (!Number.isInteger(offset) || offset < 0) throw new UsageError(`--offset: expected 0 or more, got "${flags.offset}"`);
        const { config, log } = cliContext();
        const db = await openMigratedDb(config, log);
        try {
          const repo = ingestRepository(db.kysely);
          if (id === undefined) {
            const rows = await repo.listBatches(limit);
            if (flags.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
            if (rows.length === 0) return void process.stdout.write('no batches yet: coordwatch ingest <file>\n');
            process.stdout.write(
              table([
                ['id', 'status', 'format', 'accepted', 'dup', 'rejected', 'started', 'file'],
                ...rows.map((b) => [b.id, b.status, b.format ?? '', b.accepted, b.duplicates, b.rejected, b.started_at.toISOString().slice(0, 19), safe(path.basename(b.file_name ?? ''), 60)]),
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
          const rejected = await repo.rejectedOf(bid, limit, offset);
          if (flags.json) return void process.stdout.write(JSON.stringify({ batch: b, rejected }, null, 2) + '\n');
          const took = b.finished_at ? `${((b.finished_at.getTime() - b.started_at.getTime()) / 1000).toFixed(1)} s` : 'running';
          const out = [
            `batch ${b.id}  ${b.status}`,
            `  source      ${b.source}`,
            `  format      ${b.format ?? ''}`,
            `  file        ${safe(b.file_name ?? '')}`,
            `  records     ${n(b.total)}`,
            `  accepted    ${n(b.accepted)}`,
            `  duplicates  ${n(b.duplicates)}`,
            `  rejected    ${n(b.rejected)}`,
            `  chunks      ${b.chunks_done}/${b.chunks_expected ?? '?'}`,
            `  started     ${b.started_at.toISOString()}`,
            `  took        ${took}`,
          ];
          if (b.error) out.push(`  error       ${safe(b.error)}`);
          if (rejected.length) {
            out.push(`  rejected records (${offset + 1}–${offset + rejected.length} of ${n(b.rejected)}):`);
            for (const r of rejected) {
              out.push(`    ${safe(path.basename(r.file))}:${r.line}  ${safe(r.reason)}`);
              out.push(`      raw: ${safe(r.raw, 160)}`);
            }
          }
          process.stdout.write(out.join('\n') + '\n');
        } finally {
          await db.close();
        }
      }),
    );
}
