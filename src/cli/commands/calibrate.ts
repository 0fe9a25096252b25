import fs from 'node:fs';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { DETECTOR_VERSION } from '../../../config/detection.ts';
import {
  CalibrationError,
  calibrationToJson,
  DEFAULT_PROBABILITY_BANDS,
  fitCalibration,
  parseCalibration,
  probabilityOf,
  severityOfProbability,
} from '../../core/calibration/index.ts';
import type { Calibration, LabelledScore } from '../../core/calibration/index.ts';
import { openDb } from '../../db/connection.ts';
import { verdictRepository } from '../../db/verdict-repository.ts';
import type { OpenAlertRow } from '../../db/verdict-repository.ts';
import { cliContext, quietOutput, runCommand, UsageError } from '../context.ts';
import { n, safe, table } from '../format.ts';
import { addDetectionOptions, detectionOverrides, labelledClustersOfSets } from './eval.ts';

interface CalibrateFlags extends Record<string, unknown> {
  sets?: string[];
  labels?: string[];
  db?: boolean;
  current?: string;
  out?: string;
  prior?: string;
  bands?: string;
  seed?: string;
  narratives?: boolean;
  json?: boolean;
}

export function registerCalibrateCommand(program: Command): void {
  const cmd = program
    .command('calibrate')
    .description("fit score → probability of coordination from labelled clusters (labelled sets, cluster label files, or analysts' verdicts in the database) and show what would change")
    .option('--sets <spec...>', 'labelled sets, as for eval --sets (clusters labelled by the majority of their labelled members)')
    .option('--labels <csv...>', 'cluster labels: a header with score and label (coordinated/confirmed/1/true vs anything else)')
    .option('--db', "analysts' verdicts: confirmed alerts are coordinated, dismissed ones not (read-only; DATABASE_URL or the embedded database)")
    .option('--current <json>', 'the calibration in use, for before/after probabilities')
    .option('-o, --out <json>', 'write the candidate calibration here')
    .option('--prior <n>', 'pseudo-clusters at the base rate added to each step', '1')
    .option('--bands <m,h,c>', `probability at which medium, high, critical start (default ${Object.values(DEFAULT_PROBABILITY_BANDS).join(',')})`)
    .option('--seed <n>', 'simulator seed for sim:<preset> sets', '1')
    .option('--no-narratives', 'leave the narrative lexicons out of the scores (--sets)')
    .option('--json', 'print the result as JSON');
  addDetectionOptions(cmd);
  cmd
    .addHelpText('after', '\nWith --db, open alerts are listed by how their severity would move under the candidate. Exit codes: 0 done, 2 bad option or unreadable input, 3 database unreachable.')
    .action((flags: CalibrateFlags) => runCommand(() => calibrateCommand(flags)));
}

const POSITIVE = /^(1|true|yes|coordinated|confirmed|campaign|ira|positive)$/i;

export function readClusterLabels(file: string): LabelledScore[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read labels: ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text.replace(/^\uFEFF/, ''), { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
  if (rows.length && (!('score' in rows[0]) || !('label' in rows[0]))) throw new UsageError(`${file}: needs a header with score and label columns`);
  return rows.map((r, i) => {
    const score = Number(r.score);
    if (!Number.isFinite(score)) throw new UsageError(`${file}: line ${i + 2}: score is not a number`);
    return { score, y: POSITIVE.test(r.label ?? '') ? 1 : 0 };
  });
}

function parseBands(v: string | undefined) {
  if (v === undefined) return DEFAULT_PROBABILITY_BANDS;
  const xs = v.split(',').map(Number);
  if (xs.length !== 3 || xs.some((x) => !(x > 0 && x <= 1)) || !(xs[0] <= xs[1] && xs[1] <= xs[2])) throw new UsageError(`--bands: expected three rising probabilities like 0.5,0.8,0.95, got "${v}"`);
  return { medium: xs[0], high: xs[1], critical: xs[2] };
}

export interface SeverityMove {
  alertId: number;
  score: number;
  severityNow: string;
  pBefore: number | null;
  pAfter: number;
  severityAfter: string;
}

const RANK: Record<string, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** Open alerts whose severity the candidate moves: now = the current calibration's, or the stored score severity. */
export function severityMoves(open: readonly OpenAlertRow[], candidate: Calibration, current: Calibration | null, bands = DEFAULT_PROBABILITY_BANDS): SeverityMove[] {
  const out: SeverityMove[] = [];
  for (const a of open) {
    const pBefore = current ? probabilityOf(current, a.score) : null;
    const severityNow = pBefore === null ? a.severity : severityOfProbability(pBefore, bands);
    const pAfter = probabilityOf(candidate, a.score);
    const severityAfter = severityOfProbability(pAfter, bands);
    if (severityAfter !== severityNow) out.push({ alertId: a.alertId, score: a.score, severityNow, pBefore, pAfter, severityAfter });
  }
  return out;
}

async function calibrateCommand(flags: CalibrateFlags): Promise<number> {
  if (!flags.sets?.length && !flags.labels?.length && !flags.db) throw new UsageError('give labels: --sets, --labels or --db');
  const prior = Number(flags.prior ?? 1);
  if (!(prior >= 0)) throw new UsageError(`--prior: expected a number ≥ 0, got "${flags.prior}"`);
  const bands = parseBands(flags.bands);
  const seed = Number(flags.seed ?? 1);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed: expected a whole number, got "${flags.seed}"`);
  let current: Calibration | null = null;
  if (flags.current) {
    try {
      current = parseCalibration(fs.readFileSync(flags.current, 'utf8'));
    } catch (err) {
      if (err instanceof CalibrationError || (err as NodeJS.ErrnoException).code) throw new UsageError(`--current ${flags.current}: ${(err as Error).message}`);
      throw err;
    }
  }
  const points: LabelledScore[] = [];
  const sources: string[] = [];
  const notes: string[] = [];
  for (const f of flags.labels ?? []) {
    const xs = readClusterLabels(f);
    points.push(...xs);
    sources.push(f);
    notes.push(`${safe(f, 80)}: ${xs.length} clusters`);
  }
  if (flags.sets?.length) {
    const r = await labelledClustersOfSets(flags.sets, {
      overrides: detectionOverrides(flags),
      narratives: flags.narratives !== false,
      seed,
      progress: (line) => {
        if (!quietOutput()) process.stderr.write(line + '\n');
      },
    });
    points.push(...r.clusters.map((c) => ({ score: c.score, y: c.y })));
    sources.push(...r.used);
    notes.push(`sets: ${r.clusters.length} labelled clusters of ${r.used.join(', ') || 'no set'}`);
    for (const s of r.skipped) notes.push(`${safe(s.set, 40)}: left out: ${safe(s.reason, 120)}`);
  }
  let open: OpenAlertRow[] | null = null;
  if (flags.db) {
    const { config } = cliContext();
    const db = await openDb(config);
    try {
      const repo = verdictRepository(db.kysely);
      const reviewed = await repo.reviewed();
      const versions = new Set(reviewed.map((r) => r.detectorVersion));
      points.push(...reviewed.map((r) => ({ score: r.score, y: r.status === 'confirmed' ? (1 as const) : (0 as const) })));
      sources.push(`db:${db.where}`);
      const confirmed = reviewed.filter((r) => r.status === 'confirmed').length;
      notes.push(`database ${safe(db.where, 80)}: ${confirmed} confirmed, ${reviewed.length - confirmed} dismissed alerts${versions.size > 1 ? ` (scored by ${versions.size} detector versions: ${[...versions].join(', ')})` : ''}`);
      open = await repo.open();
    } finally {
      await db.close();
    }
  }
  if (!points.length) throw new UsageError('no labelled clusters to fit on');
  const candidate = fitCalibration(points, { prior, detectorVersion: DETECTOR_VERSION, sources });
  const moves = open ? severityMoves(open, candidate, current, bands) : [];
  if (flags.out) fs.writeFileSync(flags.out, calibrationToJson(candidate));
  if (flags.json) {
    process.stdout.write(JSON.stringify({ candidate, notes, open: open?.length ?? null, moves }, null, 2) + '\n');
    return 0;
  }
  const f3 = (x: number | null) => (x === null ? '-' : x.toFixed(3));
  const lines: string[] = [];
  lines.push(`fitted on ${n(candidate.fittedOn.clusters)} clusters, ${n(candidate.fittedOn.positives)} coordinated (base rate ${f3(candidate.baseRate)}); detector ${DETECTOR_VERSION}, prior ${prior}`);
  for (const x of notes) lines.push(`  ${x}`);
  lines.push('');
  const scores = [10, 20, 30, 40, 50, 60, 70, 80, 90];
  lines.push(
    table([
      ['score', ...scores.map(String)],
      ...(current ? [['p now', ...scores.map((s) => f3(probabilityOf(current, s)))]] : []),
      ['p candidate', ...scores.map((s) => f3(probabilityOf(candidate, s)))],
      ['severity', ...scores.map((s) => severityOfProbability(probabilityOf(candidate, s), bands))],
    ]),
  );
  if (open) {
    lines.push('');
    const up = moves.filter((m) => RANK[m.severityAfter] > (RANK[m.severityNow] ?? 0)).length;
    lines.push(`open alerts: ${n(open.length)}; ${n(moves.length)} would change severity (${up} up, ${moves.length - up} down)${current ? '' : ' — now: the stored severity by score; after: by candidate probability'}`);
    if (moves.length) {
      lines.push(
        table([
          ['alert', 'score', 'severity now', 'p before', 'p after', 'severity after'],
          ...moves.slice(0, 20).map((m) => [m.alertId, m.score.toFixed(1), m.severityNow, f3(m.pBefore), f3(m.pAfter), m.severityAfter]),
        ]),
      );
      if (moves.length > 20) lines.push(`… ${moves.length - 20} more (--json)`);
    }
  }
  if (flags.out) lines.push(`\nwrote ${safe(flags.out, 120)}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
