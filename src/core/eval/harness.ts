import type { ScoredCluster } from '../score/index.ts';
import { brierScore, fitCalibration, probabilityOf, reliabilityBins } from '../calibration/index.ts';
import type { Calibration, ReliabilityBin } from '../calibration/index.ts';
import type { LabelRow } from './labels.ts';
import { accountMetrics } from './metrics.ts';
import type { AccountMetrics } from './metrics.ts';
import { flaggedAt } from './flag.ts';
import { leaveOneSetOut } from './loso.ts';

/**
 * The leave-one-set-out harness, as plain data: every set analysed at every value of the
 * analysis-level grid (the minimum edge weight), then cut at every score threshold; for each
 * held-out set the grid point is chosen on the other sets (mean F1), and only then is the
 * held-out set scored. The reliability table fits score → probability the same way.
 */

export type SetKind = 'labelled' | 'all_positive' | 'simulated' | 'agreement';

/** What the harness keeps of one analysis: its clusters (scores, members, cohesion). */
export type SlimCluster = Pick<ScoredCluster, 'id' | 'members' | 'size'> & {
  score: { total: number };
  memberDetails: { account: string; cohesion: number }[];
};

export interface SetRuns {
  name: string;
  kind: SetKind;
  posts: number;
  labels: ReadonlyMap<string, LabelRow>;
  isPositive: (label: string) => boolean;
  /** positives in the evidence ceiling */
  ceiling: number;
  /** clusters of the analysis at each analysis-level grid value (by index into HarnessGrid.analysis) */
  runs: SlimCluster[][];
}

export interface HarnessGrid {
  /** analysis-level settings (each needs its own analysis), e.g. min edge weights */
  analysis: readonly { label: string; minWeight: number }[];
  /** score cut-offs, applied to each analysis */
  thresholds: readonly number[];
  flagMinCohesion: number;
}

export interface GridPoint {
  analysis: number;
  threshold: number;
}

/** Grid points, most conservative first (highest threshold, then highest min weight): ties go to them. */
export function gridPoints(grid: HarnessGrid): GridPoint[] {
  const a = grid.analysis.map((g, i) => ({ i, w: g.minWeight })).sort((x, y) => y.w - x.w || x.i - y.i);
  const t = [...grid.thresholds].sort((x, y) => y - x);
  const out: GridPoint[] = [];
  for (const threshold of t) for (const { i } of a) out.push({ analysis: i, threshold });
  return out;
}

export interface SetScore {
  set: string;
  kind: SetKind;
  posts: number;
  positives: number;
  ceiling: number;
  metrics: AccountMetrics;
  /** recall / (ceiling / positives): the share of the ceiling found */
  recallOfCeiling: number | null;
  point: GridPoint | null;
  /** the other sets the point was chosen on */
  trainedOn: string[];
}

export function metricsAt(s: SetRuns, grid: HarnessGrid, p: GridPoint): AccountMetrics {
  return accountMetrics(flaggedAt({ clusters: s.runs[p.analysis] }, p.threshold, grid.flagMinCohesion), s.labels, s.isPositive);
}

function positivesOf(s: SetRuns): number {
  let n = 0;
  for (const l of s.labels.values()) if (s.isPositive(l.label)) n++;
  return n;
}

function scoreAt(s: SetRuns, grid: HarnessGrid, p: GridPoint | null, trainedOn: string[]): SetScore {
  const positives = positivesOf(s);
  const metrics = p ? metricsAt(s, grid, p) : accountMetrics([], s.labels, s.isPositive);
  return {
    set: s.name,
    kind: s.kind,
    posts: s.posts,
    positives,
    ceiling: s.ceiling,
    metrics,
    recallOfCeiling: s.ceiling > 0 ? metrics.tp / s.ceiling : null,
    point: p,
    trainedOn,
  };
}

/** Sets that take part in choosing parameters: CooRnet's labels (agreement) are not ground truth. */
export const tunesOn = (s: { kind: SetKind }) => s.kind !== 'agreement';

export function objectiveOf(s: SetRuns, grid: HarnessGrid, p: GridPoint): number | null {
  const m = metricsAt(s, grid, p);
  if (positivesOf(s) === 0) return null;
  return m.f1 ?? 0;
}

export function losoTable(sets: readonly SetRuns[], grid: HarnessGrid): SetScore[] {
  const points = gridPoints(grid);
  const byName = new Map(sets.map((s) => [s.name, s]));
  // objectives are cached per (set, point): the choice for X reads every set's but X's
  const cache = new Map<string, number | null>();
  const objective = (name: string, g: number) => {
    const k = `${name}\u0000${g}`;
    if (!cache.has(k)) cache.set(k, objectiveOf(byName.get(name)!, grid, points[g]));
    return cache.get(k)!;
  };
  const choices = leaveOneSetOut(
    sets.map((s) => s.name),
    points.length,
    objective,
    { tuneOn: (name) => tunesOn(byName.get(name)!) },
  );
  return choices.map((c) => scoreAt(byName.get(c.set)!, grid, c.point === null ? null : points[c.point], c.trainedOn));
}

/** Every set at one fixed point (the shipped defaults), for comparison. */
export function fixedTable(sets: readonly SetRuns[], grid: HarnessGrid, p: GridPoint): SetScore[] {
  return sets.map((s) => scoreAt(s, grid, p, []));
}

export interface LabelledCluster {
  set: string;
  score: number;
  y: 0 | 1;
}

/** Clusters with at least one labelled member, labelled by the majority of their labelled members. */
export function labelClusters(set: string, clusters: readonly SlimCluster[], labels: ReadonlyMap<string, LabelRow>, isPositive: (l: string) => boolean): LabelledCluster[] {
  const out: LabelledCluster[] = [];
  for (const c of clusters) {
    let pos = 0;
    let lab = 0;
    for (const m of c.members) {
      const l = labels.get(m);
      if (!l) continue;
      lab++;
      if (isPositive(l.label)) pos++;
    }
    if (lab === 0) continue;
    out.push({ set, score: c.score.total, y: pos * 2 > lab ? 1 : 0 });
  }
  return out;
}

export interface ReliabilityReport {
  bins: ReliabilityBin[];
  brier: number | null;
  /** Brier score of predicting each held-out set's clusters by the training base rate alone */
  brierBaseRate: number | null;
  clusters: number;
  /** held-out sets that were scored, with the sets each fit used */
  folds: { set: string; trainedOn: string[]; clusters: number }[];
  /** the calibration fitted on all calibration sets together (what `calibrate --sets` would write) */
  all: Calibration | null;
}

/**
 * Calibration fitted leave-one-set-out: each held-out set's clusters get probabilities from a
 * fit on the other sets' clusters. Only sets with both positive and negative accounts take
 * part: an all-positive set's clusters are coordinated whatever their score, which says
 * nothing about the probability in a mixed population. Each set's clusters come from the
 * analysis `analysisOf(set)` (its LOSO choice).
 */
export function reliabilityLoso(sets: readonly SetRuns[], analysisOf: (set: string) => number, opts: { detectorVersion?: string; edges?: number[] } = {}): ReliabilityReport {
  const eligible = sets.filter((s) => tunesOn(s) && positivesOf(s) > 0 && positivesOf(s) < s.labels.size);
  const rows: { score: number; p: number; y: 0 | 1 }[] = [];
  const baseRows: { p: number; y: 0 | 1 }[] = [];
  const folds: ReliabilityReport['folds'] = [];
  for (const held of eligible) {
    const a = analysisOf(held.name);
    const train = eligible.filter((s) => s !== held).flatMap((s) => labelClusters(s.name, s.runs[a], s.labels, s.isPositive));
    const test = labelClusters(held.name, held.runs[a], held.labels, held.isPositive);
    if (!train.length || !test.length) continue;
    const cal = fitCalibration(train);
    for (const c of test) {
      rows.push({ score: c.score, p: probabilityOf(cal, c.score), y: c.y });
      baseRows.push({ p: cal.baseRate, y: c.y });
    }
    folds.push({ set: held.name, trainedOn: eligible.filter((s) => s !== held).map((s) => s.name), clusters: test.length });
  }
  const allPoints = eligible.flatMap((s) => labelClusters(s.name, s.runs[analysisOf(s.name)], s.labels, s.isPositive));
  return {
    bins: reliabilityBins(rows, opts.edges),
    brier: brierScore(rows),
    brierBaseRate: brierScore(baseRows),
    clusters: rows.length,
    folds,
    all: allPoints.length ? fitCalibration(allPoints, { detectorVersion: opts.detectorVersion ?? null, sources: eligible.map((s) => s.name) }) : null,
  };
}
