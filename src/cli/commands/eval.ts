import fs from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { DEFAULT_DETECTION, detectionParams } from '../../../config/detection.ts';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';
import { analyze } from '../../core/analyze.ts';
import type { AnalyzeParams, AnalyzeResult } from '../../core/analyze.ts';
import { calibrationToJson } from '../../core/calibration/index.ts';
import {
  DEFAULT_CEILING_OPTIONS,
  evaluate,
  evidenceCeiling,
  fixedTable,
  flagRuleAgrees,
  gridPoints,
  labelClusters,
  LabelsError,
  losoTable,
  parseLabelsCsv,
  positivePredicate,
  reliabilityLoso,
} from '../../core/eval/index.ts';
import type { AccountMetrics, EvalReport, EvidenceCeiling, HarnessGrid, LabelledCluster, LabelRow, ReliabilityReport, SetKind, SetRuns, SetScore, SlimCluster } from '../../core/eval/index.ts';
import { compileNarratives } from '../../core/narratives/index.ts';
import type { CompiledNarratives } from '../../core/narratives/index.ts';
import { PRESETS, presetParams, simulate } from '../../core/simulate/index.ts';
import type { CanonicalAccount, CorePost } from '../../core/types.ts';
import { detectFormat } from '../../ingest/index.ts';
import { loadCorePosts as loadIngested, withBareKeys } from '../../ingest/core-posts.ts';
import type { LoadedPosts } from '../../ingest/core-posts.ts';
import { sharedDataDir } from '../../shared-data.ts';
import { quietOutput, runCommand, UsageError } from '../run.ts';
import { n, safe, secs, table } from '../format.ts';

/*
 * `coordwatch eval`: one labelled file (precision, recall, the evidence ceiling and recall as
 * a share of it), or `--sets` (every labelled set given, a leave-one-set-out table and a
 * reliability table). Every detection parameter is an option, generated from the defaults.
 */

// ---------------------------------------------------------------------------------------
// detection parameters as options

export interface ParamSpec {
  path: string[];
  flag: string;
  /** the attribute commander stores the value under */
  attr: string;
  kind: 'number' | 'boolean' | 'string' | 'list' | 'numbers';
  def: unknown;
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();
const camel = (flag: string) => flag.split('-').reduce((acc, w) => acc + w.charAt(0).toUpperCase() + w.slice(1));

/**
 * One option per leaf of config/detection.ts's defaults (a parameter added there is an option
 * here with no edit): `edges.minWeight` is `--edges-min-weight <n>`, `score.weights.cohesion`
 * `--score-weights-cohesion <n>`; lists take commas, booleans true/false. Functions and nulls
 * have no option.
 */
export function detectionParamSpecs(defaults: AnalyzeParams = DEFAULT_DETECTION): ParamSpec[] {
  const out: ParamSpec[] = [];
  const walk = (v: unknown, at: string[]) => {
    if (v === null || v === undefined || typeof v === 'function') return;
    const leaf = (kind: ParamSpec['kind']) => {
      const flag = at.map(kebab).join('-');
      out.push({ path: at, flag, attr: camel(flag), kind, def: v });
    };
    if (Array.isArray(v)) {
      if (v.every((x) => typeof x === 'string')) leaf('list');
      else if (v.every((x) => typeof x === 'number')) leaf('numbers');
      return;
    }
    if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, [...at, k]);
      return;
    }
    if (typeof v === 'number') leaf('number');
    else if (typeof v === 'boolean') leaf('boolean');
    else if (typeof v === 'string') leaf('string');
  };
  walk(defaults, []);
  return out;
}

const PARAM_HEADING = 'Detection parameters (every one in config/detection.ts; defaults shown):';

export function addDetectionOptions(cmd: Command): Command {
  const taken = new Set(cmd.options.map((o) => o.attributeName()));
  for (const s of detectionParamSpecs()) {
    if (taken.has(s.attr)) throw new Error(`detection option --${s.flag} collides with another option`);
    taken.add(s.attr);
    const shown = Array.isArray(s.def) ? s.def.join(',') : String(s.def);
    const arg = s.kind === 'list' || s.kind === 'numbers' ? 'list' : s.kind === 'number' ? 'n' : 'value';
    cmd.addOption(new Option(`--${s.flag} <${arg}>`, `${s.path.join('.')} (${shown})`).helpGroup(PARAM_HEADING));
  }
  return cmd;
}

/** The overrides the flags ask for, as a nested partial of AnalyzeParams. */
export function detectionOverrides(flags: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of detectionParamSpecs()) {
    const raw = flags[s.attr];
    if (raw === undefined) continue;
    const str = String(raw);
    let v: unknown;
    switch (s.kind) {
      case 'number':
        v = Number(str);
        if (str.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${s.flag}: expected a number, got "${str}"`);
        break;
      case 'boolean':
        if (!/^(true|false|1|0|yes|no)$/i.test(str)) throw new UsageError(`--${s.flag}: expected true or false, got "${str}"`);
        v = /^(true|1|yes)$/i.test(str);
        break;
      case 'list':
        v = str.split(',').map((x) => x.trim()).filter(Boolean);
        break;
      case 'numbers':
        v = str.split(',').map((x) => Number(x.trim()));
        if ((v as number[]).some((x) => !Number.isFinite(x))) throw new UsageError(`--${s.flag}: expected numbers separated by commas, got "${str}"`);
        break;
      default:
        v = str;
    }
    let o = out;
    for (const k of s.path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
    o[s.path[s.path.length - 1]] = v;
  }
  return out;
}

/** The parameters that differ from the defaults, as `path=value`. */
export function describeOverrides(over: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(over)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...describeOverrides(v as Record<string, unknown>, p));
    else out.push(`${p}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// the command

interface EvalFlags extends Record<string, unknown> {
  labels?: string;
  positive?: string;
  threshold?: string;
  narratives?: boolean;
  json?: boolean;
  clusters?: string;
  sets?: string[];
  gridThreshold?: string;
  gridMinWeight?: string;
  seed?: string;
  calibrationOut?: string;
}

export const DEFAULT_GRID = { thresholds: [30, 35, 40, 45, 50, 55, 60, 65, 70], minWeights: [1, 2, 3] };

export function registerEvalCommand(program: Command): void {
  const cmd = program
    .command('eval')
    .description(
      "measure detection against labels: account-level precision, recall, F1 and the evidence ceiling of one file, or (--sets) a leave-one-set-out table over every labelled set and a reliability table",
    )
    .argument('[posts-file]', 'posts in any readable format (canonical NDJSON, CNT CSV, …; gzip or not); with --labels')
    .option('-l, --labels <csv>', 'labels: account_id,label[,campaign|category]')
    .option('-p, --positive <label>', 'the label that counts as positive (default: anything but organic)')
    .option('-t, --threshold <score>', `flag clusters at or above this score (same as --flag-threshold; default ${DEFAULT_DETECTION.flagThreshold})`)
    .option('--no-narratives', 'leave the narrative lexicons out of the scores')
    .option('--clusters <n>', 'flagged clusters to list', '15')
    .option('--json', 'print the report as JSON')
    .option(
      '--sets <spec...>',
      `labelled sets: debate-d1, debate-d2, ira-2016q4, crowdtangle (CooRnet's output: agreement, not ground truth), sim:<preset> or sim:all (${PRESETS.map((p) => p.name).join(', ')}), POSTS:LABELS, or all`,
    )
    .option('--grid-threshold <list>', `score cut-offs tried by --sets (default ${DEFAULT_GRID.thresholds.join(',')})`)
    .option('--grid-min-weight <list>', `minimum edge weights tried by --sets (default ${DEFAULT_GRID.minWeights.join(',')})`)
    .option('--seed <n>', 'simulator seed for sim:<preset> sets', '1')
    .option('--calibration-out <file>', 'with --sets: write the calibration fitted on all sets with both classes to this file');
  addDetectionOptions(cmd);
  cmd
    .addHelpText(
      'after',
      '\nThe evidence ceiling: positives that share any object (same or near-same text, link, repost, reply target, hashtag sequence, media) with another positive, at any time gap.\nExit codes: 0 done, 2 unreadable input or labels, or a bad option.',
    )
    .action((file: string | undefined, flags: EvalFlags) => runCommand(() => evalCommand(file, flags)));
}

export interface EvalRun {
  report: EvalReport;
  result: AnalyzeResult;
  ceiling: EvidenceCeiling;
  posts: number;
  accounts: number;
  params: AnalyzeParams;
  ms: { load: number; analyze: number; ceiling: number };
}

export interface RunEvalOptions {
  positive: string | null;
  threshold?: number;
  narratives: boolean;
  /** detection parameter overrides (nested partial of AnalyzeParams) */
  overrides?: Record<string, unknown>;
}

function paramsOf(opts: { threshold?: number; overrides?: Record<string, unknown> }): AnalyzeParams {
  const over: Record<string, unknown> = { ...(opts.overrides ?? {}) };
  if (opts.threshold !== undefined) over.flagThreshold = opts.threshold;
  return detectionParams(over as Parameters<typeof detectionParams>[0]);
}

let narrativesCache: CompiledNarratives | undefined;
function narratives(): CompiledNarratives {
  return (narrativesCache ??= compileNarratives(loadNarrativeLexicons()));
}

function lastT(posts: readonly CorePost[]): number {
  let now = 0;
  for (const p of posts) if (p.t > now) now = p.t;
  return now;
}

/** Load, analyze and evaluate one file; shared with bench/eval.ts. */
export async function runEval(file: string, labels: ReadonlyMap<string, LabelRow>, opts: RunEvalOptions): Promise<EvalRun> {
  const t0 = Date.now();
  const loaded = await loadCorePosts(file);
  const t1 = Date.now();
  const params = paramsOf(opts);
  const result = analyze({ posts: loaded.posts, accounts: loaded.accounts, narratives: opts.narratives ? narratives() : undefined, now: lastT(loaded.posts) }, params);
  const t2 = Date.now();
  const isPositive = positivePredicate(opts.positive);
  const report = evaluate(result, labels, isPositive, { threshold: params.flagThreshold, positiveLabel: opts.positive });
  const ceiling = evidenceCeiling(loaded.posts, (a) => {
    const l = labels.get(a);
    return !!l && isPositive(l.label);
  }, ceilingOptions(params));
  const t3 = Date.now();
  return { report, result, ceiling, posts: loaded.posts.length, accounts: loaded.accounts.size, params, ms: { load: t1 - t0, analyze: t2 - t1, ceiling: t3 - t2 } };
}

function ceilingOptions(params: AnalyzeParams) {
  return { ...DEFAULT_CEILING_OPTIONS, actions: params.actions, similarity: params.edges.similarity ?? DEFAULT_CEILING_OPTIONS.similarity };
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

function numList(name: string, v: string | undefined, def: number[]): number[] {
  if (v === undefined) return def;
  const xs = v.split(',').map((x) => Number(x.trim()));
  if (!xs.length || xs.some((x) => !Number.isFinite(x))) throw new UsageError(`--${name}: expected numbers separated by commas, got "${v}"`);
  return xs;
}

async function evalCommand(file: string | undefined, flags: EvalFlags): Promise<number> {
  let threshold: number | undefined;
  if (flags.threshold !== undefined) {
    threshold = Number(flags.threshold);
    if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) throw new UsageError(`--threshold: expected 0 to 100, got "${flags.threshold}"`);
  }
  const overrides = detectionOverrides(flags);
  if (flags.sets?.length) {
    const seed = Number(flags.seed ?? 1);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed: expected a whole number, got "${flags.seed}"`);
    const report = await runSets(flags.sets, {
      overrides: threshold !== undefined ? { ...overrides, flagThreshold: threshold } : overrides,
      narratives: flags.narratives !== false,
      seed,
      grid: { thresholds: numList('grid-threshold', flags.gridThreshold, DEFAULT_GRID.thresholds), minWeights: numList('grid-min-weight', flags.gridMinWeight, DEFAULT_GRID.minWeights) },
      progress: (line) => {
        if (!quietOutput()) process.stderr.write(line + '\n');
      },
    });
    if (flags.calibrationOut && report.reliability.all) fs.writeFileSync(flags.calibrationOut, calibrationToJson(report.reliability.all));
    if (flags.json) {
      process.stdout.write(JSON.stringify(report, (k, v) => (v instanceof Map || v instanceof Set ? undefined : v), 2) + '\n');
      return 0;
    }
    process.stdout.write(formatSetsReport(report));
    return 0;
  }
  if (!file) throw new UsageError('give a posts file with --labels, or --sets');
  if (!flags.labels) throw new UsageError('--labels is required with a posts file');
  if (!fs.existsSync(file)) throw new UsageError(`cannot read input: ${file}: no such file`);
  const labels = readLabels(flags.labels);
  const top = Number(flags.clusters ?? 15);
  if (!Number.isInteger(top) || top < 0) throw new UsageError(`--clusters: expected a whole number, got "${flags.clusters}"`);
  const run = await runEval(file, labels, { positive: flags.positive ?? null, threshold, narratives: flags.narratives !== false, overrides });
  if (flags.json) {
    process.stdout.write(
      JSON.stringify({ file, posts: run.posts, accounts: run.accounts, ms: run.ms, ceiling: { ...run.ceiling, accounts: run.ceiling.accounts.length }, overrides, ...run.report }, null, 2) + '\n',
    );
    return 0;
  }
  process.stdout.write(formatReport(path.basename(path.dirname(path.resolve(file))) + '/' + path.basename(file), run, top, describeOverrides(overrides)));
  return 0;
}

const f3 = (x: number | null) => (x === null ? '-' : x.toFixed(3));

export function metricsRow(name: string, m: AccountMetrics): (string | number)[] {
  return [name, m.flagged, m.tp, m.fp, m.fn, f3(m.precision), f3(m.recall), f3(m.f1), f3(m.fpr)];
}

export function formatReport(label: string, run: EvalRun, top: number, overrides: string[] = []): string {
  const r = run.report;
  const lines: string[] = [];
  lines.push(`eval ${safe(label)}: ${n(run.posts)} posts, ${n(run.accounts)} accounts; loaded in ${secs(run.ms.load)}, analyzed in ${secs(run.ms.analyze)}`);
  lines.push(
    `labels: ${n(r.labelled)} accounts, ${n(r.positives)} positive (${r.positiveLabel ?? 'anything but organic'}), ${n(r.negatives)} negative; detector ${r.detectorVersion}, flag threshold ${r.threshold}`,
  );
  if (overrides.length) lines.push(`parameters changed: ${overrides.map((o) => safe(o, 80)).join(' ')}`);
  const c = run.ceiling;
  const k = c.byKind;
  lines.push(
    `evidence ceiling: ${n(c.accounts.length)} of ${n(r.positives)} positives share an object with another positive at any time gap (text ${k.text}, near text ${k.near_text}, link ${k.link}, repost ${k.repost}, reply ${k.reply}, hashtags ${k.hashtag_seq}, media ${k.media}); found ${r.engine.tp} = ${c.accounts.length ? ((100 * r.engine.tp) / c.accounts.length).toFixed(0) : '-'} % of it`,
  );
  lines.push('');
  lines.push(table([['method', 'flagged', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1', 'FPR'], metricsRow('coordwatch', r.engine), metricsRow('toolkit rule (any edge)', r.baseline)]));
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
        ...r.clusters.slice(0, top).map((x) => [x.id, x.size, x.score, x.severity, x.positives, x.negatives, f3(x.purity), safe(x.group ?? '-', 30)]),
      ]),
    );
    if (r.clusters.length > top) lines.push(`… ${r.clusters.length - top} more (--clusters N)`);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------
// labelled sets

export interface EvalSet {
  name: string;
  kind: SetKind;
  posts: CorePost[];
  accounts: Map<string, CanonicalAccount>;
  labels: Map<string, LabelRow>;
  /** the positive label (null: anything but organic) */
  positive: string | null;
  note?: string;
}

export interface SetsContext {
  data: string;
  seed: number;
  /** organic texts for the simulator's cover vocabulary (null: its word lists) */
  coverTexts: () => Promise<string[] | null>;
}

/** The workers' loader; labels files carry bare account ids, so keys are bare when one platform is in play. */
export async function loadCorePosts(file: string): Promise<LoadedPosts> {
  return withBareKeys(await loadIngested(file));
}

const DATA_DIR = () => sharedDataDir(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..'));

/** Expands `all` and `sim:all`; keeps the order given. */
export function expandSetSpecs(specs: readonly string[]): string[] {
  const out: string[] = [];
  const add = (s: string) => {
    if (!out.includes(s)) out.push(s);
  };
  for (const raw of specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    if (raw === 'all') {
      ['debate-d1', 'debate-d2', 'ira-2016q4', 'crowdtangle'].forEach(add);
      PRESETS.forEach((p) => add(`sim:${p.name}`));
    } else if (raw === 'sim:all') PRESETS.forEach((p) => add(`sim:${p.name}`));
    else add(raw);
  }
  return out;
}

/** The texts of organic accounts' own posts (no reposts) of the debate sets, for cover text. */
export async function readCoverTexts(specs: readonly string[]): Promise<string[]> {
  const texts: string[] = [];
  for (const spec of specs) {
    const [postsFile, labelsFile] = resolvePair(spec);
    const labels = labelsFile && fs.existsSync(labelsFile) ? readLabels(labelsFile) : null;
    const isPos = positivePredicate(null);
    const { posts } = await loadCorePosts(postsFile);
    for (const p of posts) {
      if (p.repost_of || !p.text) continue;
      const l = labels?.get(p.account);
      if (labels && (!l || isPos(l.label))) continue;
      texts.push(p.text);
    }
  }
  return texts;
}

function resolvePair(spec: string): [string, string | null] {
  const data = DATA_DIR();
  if (/^debate-d\d$/.test(spec) || spec === 'ira-2016q4') return [path.join(data, spec, 'posts.ndjson.gz'), spec === 'ira-2016q4' ? null : path.join(data, spec, 'labels.csv')];
  const i = spec.lastIndexOf(':');
  // a Windows drive letter is not a separator; neither is a colon in a file name that exists
  if (i > 1 && !fs.existsSync(spec)) return [spec.slice(0, i), spec.slice(i + 1)];
  return [spec, null];
}

function simPosts(sim: ReturnType<typeof simulate>): { posts: CorePost[]; accounts: Map<string, CanonicalAccount> } {
  const posts: CorePost[] = [];
  const accounts = new Map<string, CanonicalAccount>();
  for (const p of sim.posts()) {
    accounts.set(p.account.id, p.account);
    posts.push({ key: p.post_id, account: p.account.id, t: Date.parse(p.posted_at) / 1000, text: p.text, lang: p.lang, urls: p.urls, hashtags: p.hashtags, mentions: p.mentions, repost_of: p.repost_of, reply_to: p.reply_to, media_hashes: p.media_hashes });
  }
  return { posts, accounts };
}

async function crowdTangleSet(data: string): Promise<EvalSet | string> {
  const file = path.join(data, 'formats', 'crowdtangle', 'ct_shares_marked.csv');
  if (!fs.existsSync(file)) return `not found at ${file}`;
  let format: string;
  try {
    format = await detectFormat(file);
  } catch (err) {
    return `no adapter reads it yet (${(err as Error).message})`;
  }
  if (format !== 'crowdtangle') return `no CrowdTangle adapter yet (the file reads as ${format})`;
  const loaded = await loadCorePosts(file);
  // CooRnet marks shares; an account is "coordinated" when CooRnet marked any of its shares
  const rows = parseCsv(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
  const na = (v: string | undefined) => (v === undefined || v === 'NA' || v.trim() === '' ? null : v.trim());
  const labels = new Map<string, LabelRow>();
  for (const r of rows) {
    const id = na(r['account.platformId']) ?? na(r['account.id']);
    if (!id || !loaded.accounts.has(id)) continue;
    const coordinated = /^true$/i.test(r['is.coordinated'] ?? '');
    if (coordinated || !labels.has(id)) labels.set(id, { label: coordinated ? 'coordinated' : 'organic', group: null });
  }
  return { name: 'crowdtangle (CooRnet)', kind: 'agreement', posts: loaded.posts, accounts: loaded.accounts, labels, positive: 'coordinated', note: "CooRnet's own output as labels: agreement with CooRnet, not ground truth" };
}

export async function loadEvalSet(spec: string, ctx: SetsContext): Promise<EvalSet | string> {
  if (spec.startsWith('sim:')) {
    const name = spec.slice(4);
    let params;
    try {
      params = presetParams(name);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const coverTexts = await ctx.coverTexts();
    const sim = simulate({ ...params, seed: ctx.seed, ...(coverTexts ? { coverTexts } : {}) });
    const { posts, accounts } = simPosts(sim);
    const labels = new Map<string, LabelRow>(sim.labels.map((l) => [l.account_id, { label: l.label, group: l.campaign ?? l.role ?? null }]));
    return { name: spec, kind: 'simulated', posts, accounts, labels, positive: 'campaign', note: coverTexts ? 'cover text from the debate sets\' organic vocabulary' : 'cover text from the word lists' };
  }
  if (spec === 'crowdtangle') return crowdTangleSet(ctx.data);
  if (spec === 'ira-2016q4') {
    const file = path.join(ctx.data, spec, 'posts.ndjson.gz');
    if (!fs.existsSync(file)) return `not found at ${file}`;
    const loaded = await loadCorePosts(file);
    const categories = new Map<string, string>();
    const authors = path.join(ctx.data, 'formats', 'ira-by-author', 'authors.csv');
    if (fs.existsSync(authors)) {
      for (const line of fs.readFileSync(authors, 'utf8').split('\n').slice(1)) {
        const cells = line.split(',');
        if (cells[1]) categories.set(cells[1].toLowerCase(), cells[4] ?? '');
      }
    }
    const labels = new Map<string, LabelRow>([...loaded.accounts.keys()].map((id) => [id, { label: 'ira', group: categories.get(id.toLowerCase()) || null }]));
    return { name: spec, kind: 'all_positive', posts: loaded.posts, accounts: loaded.accounts, labels, positive: 'ira', note: 'every account is IRA: precision is 1 by construction' };
  }
  const [postsFile, labelsFile] = resolvePair(spec);
  if (!fs.existsSync(postsFile)) {
    if (/^debate-d\d$/.test(spec)) return `not found at ${postsFile}`;
    throw new UsageError(`--sets ${spec}: cannot read ${postsFile}`);
  }
  if (!labelsFile) throw new UsageError(`--sets ${spec}: give POSTS:LABELS`);
  const labels = readLabels(labelsFile);
  const loaded = await loadCorePosts(postsFile);
  const positive = /^debate-d\d$/.test(spec) ? 'ira' : null;
  return { name: /^debate-d\d$/.test(spec) ? spec : path.basename(path.dirname(path.resolve(postsFile))), kind: 'labelled', posts: loaded.posts, accounts: loaded.accounts, labels, positive };
}

function slim(result: AnalyzeResult): SlimCluster[] {
  return result.clusters.map((c) => ({ id: c.id, members: c.members, size: c.size, score: { total: c.score.total }, memberDetails: c.memberDetails.map((m) => ({ account: m.account, cohesion: m.cohesion })) }));
}

export interface SetsReport {
  detectorVersion: string;
  grid: { thresholds: number[]; minWeights: number[] };
  overrides: string[];
  loso: SetScore[];
  defaults: SetScore[];
  defaultPoint: { threshold: number; minWeight: number };
  reliability: ReliabilityReport;
  skipped: { set: string; reason: string }[];
  notes: { set: string; note: string }[];
  /** sets where flaggedAt at the engine's own threshold differs from analyze()'s flagged */
  ruleMismatch: string[];
  /** false positives by organic role (simulated hard cases), per set, at the LOSO choice */
  fpByRole: { set: string; roles: Record<string, number> }[];
  ceilings: { set: string; ceiling: EvidenceCeiling }[];
  seconds: { set: string; load: number; ceiling: number; analyze: number }[];
}

export async function runSets(
  specs: readonly string[],
  opts: { overrides: Record<string, unknown>; narratives: boolean; seed: number; grid: { thresholds: number[]; minWeights: number[] }; progress?: (line: string) => void },
): Promise<SetsReport> {
  const data = DATA_DIR();
  let cover: Promise<string[] | null> | null = null;
  const debates = ['debate-d1', 'debate-d2'].filter((d) => fs.existsSync(path.join(data, d, 'posts.ndjson.gz')));
  const ctx: SetsContext = { data, seed: opts.seed, coverTexts: () => (cover ??= debates.length ? readCoverTexts(debates) : Promise.resolve(null)) };
  const base = paramsOf({ overrides: opts.overrides });
  const progress = opts.progress ?? (() => {});
  const runs: SetRuns[] = [];
  const skipped: SetsReport['skipped'] = [];
  const notes: SetsReport['notes'] = [];
  const ceilings: SetsReport['ceilings'] = [];
  const seconds: SetsReport['seconds'] = [];
  const ruleMismatch: string[] = [];
  const grid: HarnessGrid = { analysis: opts.grid.minWeights.map((w) => ({ label: `min weight ${w}`, minWeight: w })), thresholds: opts.grid.thresholds, flagMinCohesion: base.flagMinCohesion };
  const roleOf = new Map<string, Map<string, string>>();
  for (const spec of expandSetSpecs(specs)) {
    const t0 = Date.now();
    const set = await loadEvalSet(spec, ctx);
    if (typeof set === 'string') {
      skipped.push({ set: spec, reason: set });
      progress(`${spec}: skipped: ${set}`);
      continue;
    }
    const t1 = Date.now();
    if (set.note) notes.push({ set: set.name, note: set.note });
    const isPositive = positivePredicate(set.positive);
    const ceiling = evidenceCeiling(set.posts, (a) => {
      const l = set.labels.get(a);
      return !!l && isPositive(l.label);
    }, ceilingOptions(base));
    ceilings.push({ set: set.name, ceiling });
    const tc = Date.now();
    const perWeight: SlimCluster[][] = [];
    for (const w of opts.grid.minWeights) {
      const params: AnalyzeParams = { ...base, edges: { ...base.edges, minWeight: w } };
      const result = analyze({ posts: set.posts, accounts: set.accounts, narratives: opts.narratives ? narratives() : undefined, now: lastT(set.posts) }, params);
      if (!flagRuleAgrees(result, params.flagThreshold, params.flagMinCohesion) && !ruleMismatch.includes(set.name)) ruleMismatch.push(set.name);
      perWeight.push(slim(result));
    }
    const t2 = Date.now();
    if (set.kind === 'simulated') {
      const roles = new Map<string, string>();
      for (const [id, l] of set.labels) if (!isPositive(l.label) && l.group) roles.set(id, l.group);
      roleOf.set(set.name, roles);
    }
    runs.push({ name: set.name, kind: set.kind, posts: set.posts.length, labels: set.labels, isPositive, ceiling: ceiling.accounts.length, runs: perWeight });
    seconds.push({ set: set.name, load: (t1 - t0) / 1000, ceiling: (tc - t1) / 1000, analyze: (t2 - tc) / 1000 });
    progress(`${set.name}: ${n(set.posts.length)} posts, ceiling ${ceiling.accounts.length}; loaded in ${secs(t1 - t0)}, ceiling in ${secs(tc - t1)}, ${opts.grid.minWeights.length} analyses in ${secs(t2 - tc)}`);
  }
  const loso = losoTable(runs, grid);
  const defaultW = opts.grid.minWeights.indexOf(base.edges.minWeight ?? 2);
  const defaults =
    defaultW >= 0 ? fixedTable(runs, grid, { analysis: defaultW, threshold: base.flagThreshold }) : [];
  const chosen = new Map(loso.map((s) => [s.set, s.point?.analysis ?? Math.max(0, defaultW)]));
  const reliability = reliabilityLoso(runs, (name) => chosen.get(name) ?? 0, { detectorVersion: base.detectorVersion });
  const fpByRole: SetsReport['fpByRole'] = [];
  for (const s of loso) {
    const roles = roleOf.get(s.set);
    const r = runs.find((x) => x.name === s.set)!;
    if (!roles || !s.point) continue;
    const counts: Record<string, number> = {};
    for (const c of r.runs[s.point.analysis]) {
      if (c.score.total < s.point.threshold) continue;
      for (const m of c.memberDetails) {
        if (m.cohesion < grid.flagMinCohesion) continue;
        const l = r.labels.get(m.account);
        if (!l || r.isPositive(l.label)) continue;
        const role = roles.get(m.account) ?? 'background';
        counts[role] = (counts[role] ?? 0) + 1;
      }
    }
    if (Object.keys(counts).length) fpByRole.push({ set: s.set, roles: counts });
  }
  void gridPoints;
  return {
    detectorVersion: base.detectorVersion,
    grid: opts.grid,
    overrides: describeOverrides(opts.overrides),
    loso,
    defaults,
    defaultPoint: { threshold: base.flagThreshold, minWeight: base.edges.minWeight ?? 2 },
    reliability,
    skipped,
    notes,
    ruleMismatch,
    fpByRole,
    ceilings,
    seconds,
  };
}

function pointLabel(s: SetScore, grid: SetsReport['grid']): string {
  if (!s.point) return '-';
  return `score ≥ ${s.point.threshold}, min weight ${grid.minWeights[s.point.analysis]}`;
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(0)} %`);

export function setsTableRows(rows: readonly SetScore[], grid: SetsReport['grid'], withPoint: boolean): (string | number)[][] {
  const head = ['set', 'posts', 'positives', 'ceiling', 'flagged', 'TP', 'FP', 'precision', 'recall', 'recall/ceiling', 'FPR'];
  return [
    withPoint ? [...head, 'chosen on the other sets'] : head,
    ...rows.map((s) => {
      const m = s.metrics;
      const r = [safe(s.set, 40), n(s.posts), s.positives, s.ceiling, m.flagged, m.tp, m.fp, f3(m.precision), f3(m.recall), pct(s.recallOfCeiling), f3(m.fpr)];
      return withPoint ? [...r, pointLabel(s, grid)] : r;
    }),
  ];
}

export function reliabilityRows(rel: ReliabilityReport): (string | number)[][] {
  return [
    ['score', 'clusters', 'predicted p', 'observed coordinated'],
    ...rel.bins.map((b) => [`${b.lo}–${b.hi > 100 ? 100 : b.hi}`, b.clusters, f3(b.predicted), f3(b.observed)]),
  ];
}

export function formatSetsReport(r: SetsReport): string {
  const lines: string[] = [];
  lines.push(`detector ${r.detectorVersion}; grid: score ${r.grid.thresholds.join(',')} × min edge weight ${r.grid.minWeights.join(',')}; objective: mean account-level F1 over the other sets`);
  if (r.overrides.length) lines.push(`parameters changed: ${r.overrides.map((o) => safe(o, 80)).join(' ')}`);
  lines.push('');
  lines.push('leave-one-set-out (each row scored with the parameters chosen on the other sets only):');
  lines.push(table(setsTableRows(r.loso, r.grid, true)));
  if (r.defaults.length) {
    lines.push('');
    lines.push(`at the shipped defaults (score ≥ ${r.defaultPoint.threshold}, min weight ${r.defaultPoint.minWeight}):`);
    lines.push(table(setsTableRows(r.defaults, r.grid, false)));
  }
  lines.push('');
  const rel = r.reliability;
  lines.push(
    `reliability (isotonic score → probability, fitted leave-one-set-out on clusters labelled by the majority of their members; ${rel.clusters} held-out clusters of ${rel.folds.map((f) => safe(f.set, 40)).join(', ') || 'no set'}):`,
  );
  lines.push(table(reliabilityRows(rel)));
  lines.push(`Brier score ${f3(rel.brier)} (the training base rate alone: ${f3(rel.brierBaseRate)})`);
  for (const f of r.fpByRole) lines.push(`${safe(f.set, 40)}: false positives by kind: ${Object.entries(f.roles).map(([k, v]) => `${safe(k, 30)} ${v}`).join(', ')}`);
  for (const x of r.notes) lines.push(`${safe(x.set, 40)}: ${x.note}`);
  for (const x of r.skipped) lines.push(`${safe(x.set, 40)}: skipped: ${safe(x.reason, 160)}`);
  if (r.ruleMismatch.length) lines.push(`warning: the flag rule the harness re-applies differs from analyze()'s on ${r.ruleMismatch.join(', ')}: thresholds other than the engine's own may be off`);
  return lines.join('\n') + '\n';
}

/**
 * The labelled clusters of sets (majority of labelled members), analysed with the given
 * parameters: what `coordwatch calibrate --sets` fits on. Sets with one class only (an
 * all-positive set) and agreement sets are left out, as in the reliability table.
 */
export async function labelledClustersOfSets(
  specs: readonly string[],
  opts: { overrides: Record<string, unknown>; narratives: boolean; seed: number; progress?: (line: string) => void },
): Promise<{ clusters: LabelledCluster[]; used: string[]; skipped: { set: string; reason: string }[] }> {
  const data = DATA_DIR();
  let cover: Promise<string[] | null> | null = null;
  const debates = ['debate-d1', 'debate-d2'].filter((d) => fs.existsSync(path.join(data, d, 'posts.ndjson.gz')));
  const ctx: SetsContext = { data, seed: opts.seed, coverTexts: () => (cover ??= debates.length ? readCoverTexts(debates) : Promise.resolve(null)) };
  const params = paramsOf({ overrides: opts.overrides });
  const clusters: LabelledCluster[] = [];
  const used: string[] = [];
  const skipped: { set: string; reason: string }[] = [];
  for (const spec of expandSetSpecs(specs)) {
    const set = await loadEvalSet(spec, ctx);
    if (typeof set === 'string') {
      skipped.push({ set: spec, reason: set });
      continue;
    }
    const isPositive = positivePredicate(set.positive);
    let pos = 0;
    for (const l of set.labels.values()) if (isPositive(l.label)) pos++;
    if (set.kind === 'agreement' || pos === 0 || pos === set.labels.size) {
      skipped.push({ set: set.name, reason: set.kind === 'agreement' ? 'agreement labels, not ground truth' : 'one class only' });
      continue;
    }
    const result = analyze({ posts: set.posts, accounts: set.accounts, narratives: opts.narratives ? narratives() : undefined, now: lastT(set.posts) }, params);
    clusters.push(...labelClusters(set.name, slim(result), set.labels, isPositive));
    used.push(set.name);
    opts.progress?.(`${set.name}: ${result.clusters.length} clusters`);
  }
  return { clusters, used, skipped };
}
