import type { Command } from 'commander';
import { applyRetention } from '../../db/ingest-repository.ts';
import { openMigratedDb } from '../../app/services.ts';
import { cliContext, runCommand, UsageError } from '../context.ts';
import { n, table } from '../format.ts';

interface RetentionFlags {
  keep: string;
  asOf?: string;
  dryRun?: boolean;
  json?: boolean;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `180d`, `26w`, `72h` → milliseconds. */
export function parseKeep(s: string): number {
  const m = /^(\d+)([hdw])$/.exec(s.trim());
  if (!m || Number(m[1]) < 1) throw new UsageError(`--keep: expected a duration such as 180d, 26w or 72h, got "${s}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function registerRetentionCommand(program: Command): void {
  program
    .command('retention')
    .description('drop the month partitions of posts entirely older than the horizon (--keep)')
    .requiredOption('--keep <duration>', 'keep posts of this long before now (or --as-of): 180d, 26w, 72h')
    .option('--as-of <time>', 'measure the horizon back from this time instead of now (ISO 8601)')
    .option('--dry-run', 'say what would be dropped, drop nothing')
    .option('--json', 'JSON output')
    .addHelpText(
      'after',
      '\nWhole UTC months only: a month partition is dropped when it ends at or before the horizon, so up to\n' +
        'a month more than --keep stays. Alerts, their members, evidence (post ids, descriptions) and edges are\n' +
        'kept; the posts they cite in dropped months are gone (the console shows the evidence without them).\n' +
        'Posts ingested later for a dropped month re-create its partition; the next run drops it again.',
    )
    .action((flags: RetentionFlags) => runCommand(() => retentionCommand(flags)));
}

async function retentionCommand(flags: RetentionFlags): Promise<void> {
  const keepMs = parseKeep(flags.keep);
  const asOf = flags.asOf === undefined ? new Date() : new Date(flags.asOf);
  if (Number.isNaN(asOf.getTime())) throw new UsageError(`--as-of: expected an ISO 8601 time, got "${flags.asOf}"`);
  const horizon = new Date(asOf.getTime() - keepMs);
  const { config, log } = cliContext();
  const db = await openMigratedDb(config, log);
  try {
    const r = await applyRetention(db.kysely, horizon, flags.dryRun === true);
    if (flags.json) {
      process.stdout.write(JSON.stringify({ dry_run: flags.dryRun === true, ...r }, null, 2) + '\n');
      return;
    }
    const verb = flags.dryRun ? 'would drop' : 'dropped';
    const out: string[] = [`horizon ${horizon.toISOString()} (keep ${flags.keep} before ${asOf.toISOString()})`];
    if (r.dropped.length === 0) out.push('nothing to drop: no month partition of posts ends before the horizon');
    else {
      const rows = r.dropped.reduce((a, p) => a + p.rows, 0);
      out.push(`${verb} ${r.dropped.length} month partition(s), ${n(rows)} posts:`);
      out.push(table([['partition', 'month', 'posts'], ...r.dropped.map((p) => [p.name, p.month, n(p.rows)])]));
      if (r.alertsCitingDropped > 0)
        out.push(`${n(r.alertsCitingDropped)} alert(s) began before the end of the last month dropped: they keep their evidence (post ids, descriptions), not those posts' text`);
    }
    if (r.defaultRows > 0) out.push(`posts_default holds ${n(r.defaultRows)} posts written around the ingest writer: not dropped (they move to their month when the ingest next needs it)`);
    out.push(`kept ${r.kept.length} month partition(s)${r.kept.length ? ` (${r.kept[0]!.month} … ${r.kept[r.kept.length - 1]!.month})` : ''}`);
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await db.close();
  }
}
