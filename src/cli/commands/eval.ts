import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_DETECTION, detectionParams } from '../../../config/detection.ts';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';
import { analyze } from '../../core/analyze.ts';
import type { AnalyzeResult } from '../../core/analyze.ts';
import { evaluate, LabelsError, parseLabelsCsv, positivePredicate } from '../../core/eval/index.ts';
import type { AccountMetrics, EvalReport, LabelRow } from '../../core/eval/index.ts';
import { compileNarratives } from '../../core/narratives/index.ts';
import { loadCorePosts } from '../load-core-posts.ts';
import { runCommand, UsageError } from '../context.ts';
import { n, safe, secs, table } from '../format.ts';

interface EvalFlags {
  labels: string;
  positive?: string;
  threshold?: string;
  narratives?: boolean;
  json?: boolean;
  clusters?: string;
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description("measure the engine's account-level precision, recall and F1 against a labels file, next to the research tools' rule")
    .argument('<posts-file>', 'posts in any readable format (canonical NDJSON, CNT CSV, …; gzip or not)')
    .requiredOption('-l, --labels <csv>', 'labels: account_id,label[,campaign|category]')
    .option('-p, --positive <label>', 'the label that counts as positive (default: anything but organic)')
    .option('-t, --threshold <score>', `flag clusters at or above this score (default ${DEFAULT_DETECTION.flagThreshold})`)
    .option('--no-narratives', 'leave the narrative lexicons out of the scores')
    .option('--clusters <n>', 'flagged clusters to list', '15')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExit codes: 0 done, 2 unreadable input or labels, or a bad option.')
    .action((file: string, flags: EvalFlags) => runCommand(() => evalCommand(file, flags)));
}

export interface EvalRun {
  report: EvalReport;
  result: AnalyzeResult;
  posts: number;
  accounts: number;
  ms: { load: number; analyze: number };
}

/** Load, analyze and evaluate one file; shared with bench/eval.ts. */
export async function runEval(
  file: string,
  labels: ReadonlyMap<string, LabelRow>,
  opts: { positive: string | null; threshold?: number; narratives: boolean },
): Promise<EvalRun> {
  const t0 = Date.now();
  const loaded = await loadCorePosts(file);
  const t1 = Date.now();
  const params = detectionParams(opts.threshold !== undefined ? { flagThreshold: opts.threshold } : {});
  let now = 0;
  for (const p of loaded.posts) if (p.t > now) now = p.t;
  const narratives = opts.narratives ? compileNarratives(loadNarrativeLexicons()) : undefined;
  const result = analyze({ posts: loaded.posts, accounts: loaded.accounts, narratives, now }, params);
  const t2 = Date.now();
  const report = evaluate(result, labels, positivePredicate(opts.positive), { threshold: params.flagThreshold, positiveLabel: opts.positive });
  return { report, result, posts: loaded.posts.length, accounts: loaded.accounts.size, ms: { load: t1 - t0, analyze: t2 - t1 } };
}

export function readLabels(file: string): Map<string, LabelRow> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read labels: ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseLabelsCsv(text);
  } catch (err) {
    if (err instanceof LabelsError) throw new UsageError(`${file}: ${err.message}`);
    throw err;
  }
}

async function evalCommand(file: string, flags: EvalFlags): Promise<number> {
  if (!fs.existsSync(file)) throw new UsageError(`cannot read input: ${file}: no such file`);
  const labels = readLabels(flags.labels);
  let threshold: number | undefined;
  if (flags.threshold !== undefined) {
    threshold = Number(flags.threshold);
    if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) throw new UsageError(`--threshold: expected 0 to 100, got "${flags.threshold}"`);
  }
  const top = Number(flags.clusters ?? 15);
  if (!Number.isInteger(top) || top < 0) throw new UsageError(`--clusters: expected a whole number, got "${flags.clusters}"`);
  const run = await runEval(file, labels, { positive: flags.positive ?? null, threshold, narratives: flags.narratives !== false });
  if (flags.json) {
    process.stdout.write(JSON.stringify({ file, posts: run.posts, accounts: run.accounts, ms: run.ms, ...run.report }, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(formatReport(path.basename(path.dirname(path.resolve(file))) + '/' + path.basename(file), run, top));
  return 0;
}

const f3 = (x: number | null) => (x === null ? '-' : x.toFixed(3));

export function metricsRow(name: string, m: AccountMetrics): (string | number)[] {
  return [name, m.flagged, m.tp, m.fp, m.fn, f3(m.precision), f3(m.recall), f3(m.f1), f3(m.fpr)];
}

export function formatReport(label: string, run: EvalRun, top: number): string {
  const r = run.report;
  const lines: string[] = [];
  lines.push(`eval ${safe(label)}: ${n(run.posts)} posts, ${n(run.accounts)} accounts; loaded in ${secs(run.ms.load)}, analyzed in ${secs(run.ms.analyze)}`);
  lines.push(
    `labels: ${n(r.labelled)} accounts, ${n(r.positives)} positive (${r.positiveLabel ?? 'anything but organic'}), ${n(r.negatives)} negative; detector ${r.detectorVersion}, flag threshold ${r.threshold}`,
  );
  lines.push('');
  lines.push(
    table([
      ['method', 'flagged', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1', 'FPR'],
      metricsRow('coordwatch', r.engine),
      metricsRow('toolkit rule (any edge)', r.baseline),
    ]),
  );
  if (r.engine.unlabeled) lines.push(`(${r.engine.unlabeled} flagged accounts have no label and are left out of precision)`);
  if (r.groups.length > 1) {
    lines.push('');
    lines.push(`recall by group: ${r.groups.map((g) => `${safe(g.group, 40)} ${g.flagged}/${g.positives}`).join(', ')}`);
  }
  if (top > 0 && r.clusters.length) {
    lines.push('');
    lines.push(`flagged clusters (${r.clusters.length}):`);
    lines.push(
      table([
        ['cluster', 'size', 'score', 'severity', 'positive', 'negative', 'purity', 'group'],
        ...r.clusters.slice(0, top).map((c) => [c.id, c.size, c.score, c.severity, c.positives, c.negatives, f3(c.purity), safe(c.group ?? '-', 30)]),
      ]),
    );
    if (r.clusters.length > top) lines.push(`… ${r.clusters.length - top} more (--clusters N)`);
  }
  return lines.join('\n') + '\n';
}
