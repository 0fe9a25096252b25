import type { Command } from 'commander';
import { buildShadowReport, ShadowConfigError } from '../../app/detection.ts';
import { openMigratedDb } from '../../app/services.ts';
import type { RunSummary, ShadowAlertRow } from '../../detect/shadow.ts';
import { cliContext, runCommand, UsageError } from '../context.ts';
import { n, safe, table } from '../format.ts';
import { parseInstant } from './scan.ts';

interface ReportFlags {
  since?: string;
  candidate?: string;
  runs: string;
  json?: boolean;
}

export function registerShadowCommand(program: Command): void {
  const shadow = program.command('shadow').description('shadow mode (SHADOW_DETECTION): a candidate detector config run beside the live one, compared on reviewed alerts');
  shadow
    .command('report')
    .description('live vs candidate on the alerts analysts confirmed or dismissed: who flags what, at what severity; precision and recall; what the candidate adds or drops')
    .option('--since <time>', 'only shadow runs whose window ends after this (ISO, UTC unless a zone is given)')
    .option('--candidate <hash>', 'the candidate (default: the one run last)')
    .option('--runs <which>', 'scans (the candidate ran the live scan itself), windows (the candidate scanned each streaming window\'s horizon: it differs from the stream even unchanged) or all', 'scans')
    .option('--json', 'JSON output')
    .addHelpText('after', '\nA reviewed alert is flagged by a run when one of its clusters at or above the alert minimum score overlaps it by ALERT_OVERLAP (the alert identity rule). Only reviewed alerts active in the shadowed windows are compared.')
    .action((flags: ReportFlags) => runCommand(() => reportCommand(flags)));
}

const f3 = (x: number | null) => (x === null ? '-' : x.toFixed(3));
const cell = (x: ShadowAlertRow['live']) => (x ? `${x.score.toFixed(1)} ${x.severity}${x.flagged ? '' : ' (below min)'}` : '-');

async function reportCommand(flags: ReportFlags): Promise<void> {
  const since = flags.since ? parseInstant('--since', flags.since) : null;
  if (flags.candidate !== undefined && !/^[0-9a-f]{16}$/.test(flags.candidate)) throw new UsageError(`--candidate: expected a 16-digit hex hash, got "${safe(flags.candidate, 40)}"`);
  if (!['scans', 'windows', 'all'].includes(flags.runs)) throw new UsageError(`--runs: expected scans, windows or all, got "${safe(flags.runs, 40)}"`);
  const { config, log } = cliContext();
  const db = await openMigratedDb(config, log);
  try {
    let res;
    try {
      res = await buildShadowReport(db.kysely, { candidate: flags.candidate ?? null, since, overlap: config.alerts.overlap, liveMinScore: config.alerts.minScore, runs: flags.runs as 'scans' | 'windows' | 'all' });
    } catch (err) {
      if (err instanceof ShadowConfigError) throw new UsageError(err.message);
      throw err;
    }
    if (flags.json) return void process.stdout.write(JSON.stringify(res, null, 2) + '\n');
    if (!res.candidate) return void process.stdout.write('no shadow runs yet: set SHADOW_DETECTION=candidate.json on the detect and scan workers\n');
    const { report: r, runs } = res;
    const out: string[] = [];
    out.push(`candidate ${res.candidate.hash}: ${safe(JSON.stringify(res.candidate.config), 300)}`);
    out.push(`shadow runs (${runs.kinds}): ${n(runs.completed)} completed, ${n(runs.failed)} failed, over ${n(r.windows)} windows${since ? ` ending after ${since.toISOString()}` : ''}`);
    out.push(`reviewed alerts compared: ${n(r.reviewed)}${r.outside ? ` (${n(r.outside)} more outside the shadowed windows, left out)` : ''}`);
    out.push('');
    const line = (name: string, s: RunSummary) => [
      name,
      `${s.confirmedAlerted}/${s.confirmedAlerted + s.confirmedMissed}`,
      `${s.dismissedAlerted}/${s.dismissedAlerted + s.dismissedQuiet}`,
      f3(s.precision),
      f3(s.recall),
      f3(s.agreement),
      s.coordinatedDecided ? `${s.coordinatedKept}/${s.coordinatedDecided}` : '-',
      s.bystandersDecided ? `${s.bystandersKept}/${s.bystandersDecided}` : '-',
    ];
    out.push(table([['run', 'confirmed flagged', 'dismissed flagged', 'precision', 'recall', 'agreement', 'coordinated kept', 'bystanders kept'], line('live', r.live), line('candidate', r.candidate)]));
    if (r.alerts.length) {
      out.push('');
      out.push(
        table([
          ['alert', 'verdict', 'members', 'live', 'candidate', 'change'],
          ...r.alerts.map((a) => {
            const change = a.candidate?.flagged && !a.live?.flagged ? 'adds' : a.live?.flagged && !a.candidate?.flagged ? 'drops' : '';
            return [a.alertId, a.verdict, a.members, cell(a.live), cell(a.candidate), change];
          }),
        ]),
      );
    }
    out.push('');
    out.push(`the candidate adds ${n(r.adds.length)} and drops ${n(r.drops.length)} reviewed alerts; it would open ${n(r.newNetworks.length)} new network${r.newNetworks.length === 1 ? '' : 's'}`);
    for (const g of r.newNetworks.slice(0, 10)) out.push(`  ${g.score.toFixed(1)} ${g.severity}: ${g.members.length} accounts (${safe(g.members.slice(0, 5).join(', '), 160)}${g.members.length > 5 ? ', …' : ''}) in ${g.windows} window${g.windows === 1 ? '' : 's'}`);
    if (r.newNetworks.length > 10) out.push(`  … ${r.newNetworks.length - 10} more (--json)`);
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await db.close();
  }
}
