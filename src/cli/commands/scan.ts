import type { Command } from 'commander';
import { sql } from 'kysely';
import { scanRepository } from '../../db/scan-repository.ts';
import type { ScanType } from '../../detect/scan.ts';
import { enqueueScan, runScanHere } from '../../app/scans.ts';
import { openMigratedDb } from '../../app/services.ts';
import { cliContext, runCommand, UsageError } from '../context.ts';
import { n, secs, table } from '../format.ts';

/** An instant from the command line; without a zone it is UTC. */
export function parseInstant(flag: string, v: string): Date {
  const s = /([zZ]|[+-]\d{2}:?\d{2})$/.test(v) || /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v}Z`;
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new UsageError(`${flag}: expected an ISO time like 2016-09-27T01:00Z, got "${v}"`);
  return new Date(t);
}

interface ScanFlags {
  from?: string;
  to?: string;
  all?: boolean;
  kind: string;
  enqueue?: boolean;
  json?: boolean;
}

export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description('scan a window of stored posts by hand: the whole engine, then the alerts (recorded in scan runs)')
    .option('--from <time>', 'window start (ISO, UTC unless a zone is given)')
    .option('--to <time>', 'window end, exclusive')
    .option('--all', 'the whole span of the stored posts')
    .option('--kind <kind>', 'manual, rolling or deep (deep adds persona drift from sightings)', 'manual')
    .option('--enqueue', 'queue it for a scan worker (REDIS_URL) instead of running it here')
    .option('--json', 'JSON output')
    .action((flags: ScanFlags) => runCommand(() => scanCommand(flags)));

  program
    .command('scans')
    .description('list recent scan runs (windows, scheduled and manual scans) with their outcome')
    .option('-n, --limit <n>', 'how many', '20')
    .option('--kind <kind>', 'window, rolling, deep or manual')
    .option('--json', 'JSON output')
    .action((flags: { limit: string; kind?: string; json?: boolean }) =>
      runCommand(async () => {
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive integer, got "${flags.limit}"`);
        if (flags.kind && !['window', 'rolling', 'deep', 'manual'].includes(flags.kind)) throw new UsageError(`--kind: expected window, rolling, deep or manual, got "${flags.kind}"`);
        const { config, log } = cliContext();
        const db = await openMigratedDb(config, log);
        try {
          const rows = await scanRepository(db.kysely).list({ kind: flags.kind as ScanType | undefined, limit });
          if (flags.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
          if (rows.length === 0) return void process.stdout.write('no scans yet: coordwatch scan --all\n');
          process.stdout.write(
            table([
              ['id', 'kind', 'status', 'window start', 'window end', 'posts', 'clusters', 'took', 'job'],
              ...rows.map((r) => {
                const st = (r.stats ?? {}) as { posts?: number; clusters?: number; cluster?: { clusters?: number } };
                const took = r.finished_at ? secs(r.finished_at.getTime() - r.started_at.getTime()) : r.status;
                return [r.id, r.kind, r.status, iso(r.window_start), iso(r.window_end), st.posts ?? '', st.clusters ?? st.cluster?.clusters ?? '', took, r.job_id ?? ''];
              }),
            ]) + '\n',
          );
        } finally {
          await db.close();
        }
      }),
    );
}

const iso = (d: Date) => d.toISOString().slice(0, 16) + 'Z';

async function scanCommand(flags: ScanFlags): Promise<void> {
  const kind = flags.kind as ScanType;
  if (!['manual', 'rolling', 'deep'].includes(kind)) throw new UsageError(`--kind: expected manual, rolling or deep, got "${flags.kind}"`);
  if (!flags.all && (!flags.from || !flags.to)) throw new UsageError('give --from and --to, or --all');
  if (flags.all && (flags.from || flags.to)) throw new UsageError('--all goes without --from and --to');
  let from = flags.from ? parseInstant('--from', flags.from) : null;
  let to = flags.to ? parseInstant('--to', flags.to) : null;
  if (from && to && to <= from) throw new UsageError('--to must be after --from');

  const { config, log } = cliContext();
  const db = await openMigratedDb(config, log);
  try {
    if (flags.all) {
      const r = await sql<{ lo: Date | null; hi: Date | null }>`select min(posted_at) as lo, max(posted_at) as hi from posts`.execute(db.kysely);
      const { lo, hi } = r.rows[0]!;
      if (!lo || !hi) throw new UsageError('no posts stored yet: coordwatch ingest <file> first');
      from = new Date(Math.floor(new Date(lo).getTime() / 60_000) * 60_000);
      to = new Date(Math.floor(new Date(hi).getTime() / 60_000) * 60_000 + 60_000);
    }
    const w = { start: from!, end: to! };
    if (flags.enqueue) {
      if (!config.redisUrl) throw new UsageError('--enqueue needs REDIS_URL (a queue for the scan workers)');
      const jobId = await enqueueScan(config, log, kind, w);
      process.stdout.write(`queued ${jobId} on the scan queue\n`);
      return;
    }
    {
      const r = await runScanHere(config, db, log, kind, w);
      if (flags.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      const a = r.applied;
      process.stdout.write(
        [
          `scan ${r.scanRunId} (${kind})  ${w.start.toISOString()} → ${w.end.toISOString()}  ${r.status}`,
          `  posts      ${n(r.posts)} of ${n(r.accounts)} accounts`,
          `  edges      ${n(r.edges)}`,
          `  clusters   ${n(r.clusters)}${a ? ` (${n(r.clusters - a.belowThreshold)} at or above ${config.alerts.minScore})` : ''}`,
          a ? `  alerts     ${a.opened.length} opened, ${a.updated.length} updated, ${a.reopened.length} reopened, ${a.unchanged} unchanged, ${a.suppressed} suppressed` : '  alerts     none touched',
          `  time       ${secs(r.ms)}`,
          a && a.opened.length + a.updated.length > 0 ? `  see        coordwatch alerts; coordwatch alert ${[...a.opened, ...a.updated][0]}` : '',
        ]
          .filter(Boolean)
          .join('\n') + '\n',
      );
    }
  } finally {
    await db.close();
  }
}
