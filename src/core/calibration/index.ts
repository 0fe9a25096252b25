import { poolAdjacentViolators } from './isotonic.ts';
import type { LabelledScore } from './isotonic.ts';

export { poolAdjacentViolators } from './isotonic.ts';
export type { IsotonicBlock, LabelledScore } from './isotonic.ts';
export { compareRuns } from './compare.ts';
export type { ReviewedAlert, RunAgreement, RunCluster, RunComparison } from './compare.ts';

/**
 * Score → probability that a cluster is coordinated. Fitted (pure, deterministic) from
 * labelled clusters by isotonic regression, each step shrunk toward the base rate by a prior
 * of `prior` pseudo-clusters so that a step of three clusters does not claim certainty;
 * applied by linear interpolation between steps; serialised as JSON.
 *
 * A probability depends on the base rate of the population it was fitted on: a calibration
 * fitted on debate nights (≈5 % IRA accounts) says what a score means there. Refit from the
 * reviewers' verdicts (`coordwatch calibrate`) for what it means in production.
 */
export interface Calibration {
  format: 'coordwatch-calibration';
  version: 1;
  method: 'isotonic';
  /** detector version of the scores it was fitted on (a new score needs a new fit) */
  detectorVersion: string | null;
  prior: number;
  baseRate: number;
  fittedOn: { clusters: number; positives: number; sources: string[] };
  /** non-decreasing in both score and p; two knots per step (its lowest and highest score) */
  knots: { score: number; p: number }[];
}

export class CalibrationError extends Error {
  override name = 'CalibrationError';
}

export interface FitOptions {
  /** pseudo-clusters at the base rate added to each step (default 1) */
  prior?: number;
  detectorVersion?: string | null;
  sources?: string[];
}

export function fitCalibration(points: readonly LabelledScore[], opts: FitOptions = {}): Calibration {
  const prior = opts.prior ?? 1;
  if (!(prior >= 0)) throw new CalibrationError(`prior must be ≥ 0, got ${prior}`);
  let n = 0;
  let pos = 0;
  for (const p of points) {
    const w = p.weight ?? 1;
    if (!(w > 0) || !Number.isFinite(p.score)) continue;
    n += w;
    pos += w * p.y;
  }
  if (n === 0) throw new CalibrationError('no labelled clusters to fit on');
  const base = pos / n;
  const blocks = poolAdjacentViolators(points);
  // shrink each step toward the base rate, then pool again: shrinking can undo monotonicity
  // where a small step sits beside a large one
  const shrunk = blocks.map((b) => ({ lo: b.lo, hi: b.hi, n: b.n + prior, v: (b.positives + prior * base) / (b.n + prior) }));
  const pooled: typeof shrunk = [];
  for (const b of shrunk) {
    pooled.push({ ...b });
    while (pooled.length > 1) {
      const y = pooled[pooled.length - 1];
      const x = pooled[pooled.length - 2];
      if (x.v < y.v) break;
      pooled.splice(pooled.length - 2, 2, { lo: x.lo, hi: y.hi, n: x.n + y.n, v: (x.v * x.n + y.v * y.n) / (x.n + y.n) });
    }
  }
  const knots: { score: number; p: number }[] = [];
  for (const b of pooled) {
    knots.push({ score: b.lo, p: round6(b.v) });
    if (b.hi > b.lo) knots.push({ score: b.hi, p: round6(b.v) });
  }
  return {
    format: 'coordwatch-calibration',
    version: 1,
    method: 'isotonic',
    detectorVersion: opts.detectorVersion ?? null,
    prior,
    baseRate: round6(base),
    fittedOn: { clusters: Math.round(n), positives: Math.round(pos), sources: opts.sources ?? [] },
    knots,
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The calibrated probability of a score: flat outside the fitted range, linear between knots. */
export function probabilityOf(cal: Calibration, score: number): number {
  const k = cal.knots;
  if (!k.length) return cal.baseRate;
  if (!(score > k[0].score)) return k[0].p;
  if (score >= k[k.length - 1].score) return k[k.length - 1].p;
  let lo = 0;
  let hi = k.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (k[mid].score <= score) lo = mid;
    else hi = mid;
  }
  const a = k[lo];
  const b = k[hi];
  return b.score === a.score ? b.p : a.p + ((b.p - a.p) * (score - a.score)) / (b.score - a.score);
}

export function calibrationToJson(cal: Calibration): string {
  return JSON.stringify(cal, null, 2) + '\n';
}

export function parseCalibration(text: string): Calibration {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CalibrationError(`not JSON: ${(err as Error).message}`);
  }
  const o = v as Partial<Calibration> | null;
  if (!o || typeof o !== 'object' || o.format !== 'coordwatch-calibration') throw new CalibrationError('not a coordwatch calibration (format field)');
  if (o.version !== 1 || o.method !== 'isotonic') throw new CalibrationError(`unsupported calibration version ${String(o.version)} / method ${String(o.method)}`);
  if (!Array.isArray(o.knots)) throw new CalibrationError('knots: expected a list');
  let last = { score: -Infinity, p: -Infinity };
  for (const [i, k] of o.knots.entries()) {
    if (!k || typeof k.score !== 'number' || typeof k.p !== 'number' || !Number.isFinite(k.score) || !(k.p >= 0 && k.p <= 1)) throw new CalibrationError(`knots[${i}]: expected {score, p} with p in [0, 1]`);
    if (k.score < last.score || k.p < last.p) throw new CalibrationError(`knots[${i}]: knots must be non-decreasing in score and p`);
    last = k;
  }
  if (typeof o.baseRate !== 'number' || typeof o.prior !== 'number') throw new CalibrationError('baseRate and prior: expected numbers');
  return {
    format: 'coordwatch-calibration',
    version: 1,
    method: 'isotonic',
    detectorVersion: typeof o.detectorVersion === 'string' ? o.detectorVersion : null,
    prior: o.prior,
    baseRate: o.baseRate,
    fittedOn: {
      clusters: Number(o.fittedOn?.clusters ?? 0),
      positives: Number(o.fittedOn?.positives ?? 0),
      sources: Array.isArray(o.fittedOn?.sources) ? o.fittedOn.sources.map(String) : [],
    },
    knots: o.knots.map((k) => ({ score: k.score, p: k.p })),
  };
}

export type ProbabilitySeverity = 'low' | 'medium' | 'high' | 'critical';

/**
 * Severity by calibrated probability. The bands are review policy (how sure before an analyst
 * is paged), not something fitted: medium when coordination is more likely than not, high at
 * 4 to 1, critical at 19 to 1.
 */
export const DEFAULT_PROBABILITY_BANDS = { medium: 0.5, high: 0.8, critical: 0.95 };

export function severityOfProbability(p: number, bands: { medium: number; high: number; critical: number } = DEFAULT_PROBABILITY_BANDS): ProbabilitySeverity {
  if (p >= bands.critical) return 'critical';
  if (p >= bands.high) return 'high';
  if (p >= bands.medium) return 'medium';
  return 'low';
}

export interface ReliabilityBin {
  /** score range [lo, hi) (the last bin includes 100) */
  lo: number;
  hi: number;
  clusters: number;
  /** mean predicted probability, null when empty */
  predicted: number | null;
  /** share of the bin's clusters that are coordinated, null when empty */
  observed: number | null;
}

/** Predicted against observed, by score range. */
export function reliabilityBins(rows: readonly { score: number; p: number; y: 0 | 1 }[], edges: readonly number[] = [0, 20, 30, 40, 50, 60, 70, 80, 101]): ReliabilityBin[] {
  const bins: ReliabilityBin[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const inBin = rows.filter((r) => r.score >= edges[i] && r.score < edges[i + 1]);
    const n = inBin.length;
    bins.push({
      lo: edges[i],
      hi: edges[i + 1],
      clusters: n,
      predicted: n ? inBin.reduce((a, r) => a + r.p, 0) / n : null,
      observed: n ? inBin.reduce((a, r) => a + r.y, 0) / n : null,
    });
  }
  return bins;
}

/** Mean squared error of the probabilities (lower is better; the base rate alone gives b(1 − b)). */
export function brierScore(rows: readonly { p: number; y: 0 | 1 }[]): number | null {
  if (!rows.length) return null;
  return rows.reduce((a, r) => a + (r.p - r.y) ** 2, 0) / rows.length;
}
