import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Counter } from 'prom-client';
import { DEFAULT_DETECTION, detectionParams } from '../../config/detection.ts';
import type { AnalyzeParams } from '../core/analyze.ts';
import { compareRuns } from '../core/calibration/index.ts';
import type { ReviewedAlert, RunAgreement, RunCluster, RunComparison } from '../core/calibration/index.ts';
import { round } from '../core/alerts/rows.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import { shadowRepository } from '../db/shadow-repository.ts';
import type { AlertSpan, StoredCluster } from '../db/shadow-repository.ts';
import { verdictRepository } from '../db/verdict-repository.ts';
import type { ReviewedAlertRow } from '../db/verdict-repository.ts';
import { registry } from '../metrics.ts';
import type { DetectDeps } from './deps.ts';

/**
 * Shadow mode: a candidate detector config (detection-parameter overrides, and optionally its
 * own alert minimum score) runs beside the live one. After a live window or scan has applied
 * its alerts, the same span of posts is analysed again with the candidate's parameters on the
 * same engine; its clusters are stored in `shadow_clusters` and no alert is written. A shadow
 * failure is logged and counted, never thrown: the live job is done by then.
 */

export interface ShadowConfig {
  /** overrides of config/detection.ts, merged by detectionParams() */
  detection: Record<string, unknown>;
  /** the candidate's ALERT_MIN_SCORE (absent: the live one) */
  alerts: { minScore?: number };
}

export interface ShadowCandidate {
  /** sha256 of the canonical config JSON, first 16 hex digits */
  hash: string;
  config: ShadowConfig;
  params: AnalyzeParams;
  minScore: number | null;
}

export class ShadowConfigError extends Error {
  override name = 'ShadowConfigError';
}

const shadowRuns = new Counter({ name: 'coordwatch_shadow_runs_total', help: 'shadow analyses beside live windows and scans, by outcome', labelNames: ['outcome'], registers: [registry] });
const shadowClusters = new Counter({ name: 'coordwatch_shadow_clusters_total', help: 'clusters found by the shadow candidate', registers: [registry] });

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Every key of an override exists in the defaults, with a value of the default's type. */
function checkOverrides(base: unknown, over: unknown, path: string): void {
  if (isObject(base)) {
    if (!isObject(over)) throw new ShadowConfigError(`${path || 'detection'}: expected an object`);
    for (const [k, v] of Object.entries(over)) {
      if (!(k in base)) throw new ShadowConfigError(`${path ? path + '.' : ''}${k}: no such detection parameter`);
      checkOverrides(base[k], v, path ? `${path}.${k}` : k);
    }
    return;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over)) throw new ShadowConfigError(`${path}: expected a list`);
    const t = base.length ? typeof base[0] : null;
    if (t && over.some((x) => typeof x !== t)) throw new ShadowConfigError(`${path}: expected a list of ${t}s`);
    return;
  }
  // a default of null (no limit) takes a number or null
  if (base === null) {
    if (over !== null && !(typeof over === 'number' && Number.isFinite(over))) throw new ShadowConfigError(`${path}: expected a number or null`);
    return;
  }
  if (typeof base === 'number') {
    if (typeof over !== 'number' || !Number.isFinite(over)) throw new ShadowConfigError(`${path}: expected a number`);
    return;
  }
  if (typeof over !== typeof base) throw new ShadowConfigError(`${path}: expected a ${typeof base}`);
}

/** Keys sorted, so the same config always hashes the same. */
function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (isObject(x)) return Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical(x[k])]));
  return x;
}

/**
 * A candidate from its JSON: either `{ "detection": {...overrides}, "alerts": { "minScore": n } }`
 * or the bare overrides object (as `eval`'s parameters: `{ "cluster": { "minSize": 4 } }`).
 */
export function parseShadowCandidate(text: string): ShadowCandidate {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ShadowConfigError(`not JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw)) throw new ShadowConfigError('expected a JSON object');
  const structured = Object.keys(raw).length > 0 && Object.keys(raw).every((k) => k === 'detection' || k === 'alerts');
  const detection = structured ? (raw.detection ?? {}) : raw;
  const alerts = structured ? (raw.alerts ?? {}) : {};
  checkOverrides(DEFAULT_DETECTION, detection, '');
  if (!isObject(alerts)) throw new ShadowConfigError('alerts: expected an object');
  for (const k of Object.keys(alerts)) if (k !== 'minScore') throw new ShadowConfigError(`alerts.${k}: only alerts.minScore can be set`);
  const minScore = alerts.minScore === undefined ? null : alerts.minScore;
  if (minScore !== null && !(typeof minScore === 'number' && minScore >= 0 && minScore <= 100)) throw new ShadowConfigError('alerts.minScore: expected a number from 0 to 100');
  const config: ShadowConfig = { detection: detection as Record<string, unknown>, alerts: minScore === null ? {} : { minScore } };
  const hash = createHash('sha256').update(JSON.stringify(canonical(config))).digest('hex').slice(0, 16);
  return { hash, config, params: detectionParams(detection as Parameters<typeof detectionParams>[0]), minScore };
}

/** The candidate of SHADOW_DETECTION; a missing or invalid file names the variable. */
export function loadShadowCandidate(file: string): ShadowCandidate {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ShadowConfigError(`invalid SHADOW_DETECTION: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseShadowCandidate(text);
  } catch (err) {
    throw new ShadowConfigError(`invalid SHADOW_DETECTION: ${file}: ${(err as Error).message}`);
  }
}

export interface ShadowRun {
  kind: 'window' | 'rolling' | 'deep' | 'manual';
  /** the live run (scan_runs.id) */
  scanRunId: number;
  /** the window the live clusters were stored under: the cluster step's horizon, or the scan's window */
  window: TimeWindow;
  watchlist: string[];
}

/**
 * The candidate over the live run's span of posts, clusters stored; never throws. A window's
 * shadow analyses the whole horizon of its cluster step (every post in it, as a scan does):
 * the candidate's own edges, not the live run's stored ones.
 */
export async function runShadow(deps: DetectDeps, run: ShadowRun): Promise<void> {
  const cand = deps.shadow;
  if (!cand) return;
  const started = performance.now();
  const repo = shadowRepository(deps.db.kysely);
  try {
    await repo.saveConfig(cand.hash, cand.config);
    const params = run.kind === 'deep' ? { ...cand.params, signalsFor: 'all' as const } : cand.params;
    const res = await deps.engine.scan({ window: run.window, params, sightings: run.kind === 'deep', watchlist: run.watchlist });
    const minScore = cand.minScore ?? deps.config.alerts.minScore;
    const clusters = res.result.clusters.map((c) => {
      const score = round(c.score.total);
      return { fingerprint: c.id, members: [...c.members], score, severity: c.score.severity, flagged: score >= minScore, kinds: c.kinds as string[], scoreParts: c.score.parts };
    });
    await repo.saveRun({ candidateHash: cand.hash, scanRunId: run.scanRunId, kind: run.kind, window: run.window, status: 'completed', posts: res.posts, error: null, ms: Math.round(performance.now() - started), clusters });
    shadowRuns.inc({ outcome: 'completed' });
    shadowClusters.inc(clusters.length);
  } catch (err) {
    shadowRuns.inc({ outcome: 'failed' });
    deps.log.error({ err, scanRunId: run.scanRunId, candidate: cand.hash }, 'shadow analysis failed; the live run is unaffected');
    await repo
      .saveRun({ candidateHash: cand.hash, scanRunId: run.scanRunId, kind: run.kind, window: run.window, status: 'failed', posts: 0, error: (err as Error).message.slice(0, 2000), ms: Math.round(performance.now() - started), clusters: [] })
      .catch((e: unknown) => deps.log.error({ err: e }, 'shadow run not recorded'));
  }
}

// ---------------------------------------------------------------------------------------------
// The report: live vs candidate on the alerts analysts reviewed (pure).

export interface ShadowReportInput {
  /** windows of the candidate's completed runs */
  windows: TimeWindow[];
  live: StoredCluster[];
  candidate: StoredCluster[];
  reviewed: ReviewedAlertRow[];
  /** every alert (for what the candidate would add) */
  alerts: AlertSpan[];
  overlap: number;
  liveMinScore: number;
  candidateMinScore: number;
}

export interface ShadowAlertRow {
  alertId: number;
  verdict: 'confirmed' | 'dismissed';
  members: number;
  live: { score: number; severity: string; flagged: boolean } | null;
  candidate: { score: number; severity: string; flagged: boolean } | null;
}

export interface RunSummary extends RunAgreement {
  /** confirmed flagged / all flagged reviewed (null: none flagged) */
  precision: number | null;
  /** confirmed flagged / confirmed */
  recall: number | null;
}

export interface ShadowReport {
  windows: number;
  /** reviewed alerts active in the shadowed windows (the others are left out) */
  reviewed: number;
  outside: number;
  live: RunSummary;
  candidate: RunSummary;
  alerts: ShadowAlertRow[];
  /** reviewed alerts the candidate flags and live does not / live flags and the candidate does not */
  adds: ShadowAlertRow[];
  drops: ShadowAlertRow[];
  /** networks the candidate flags that overlap no existing alert: alerts it would open */
  newNetworks: { members: string[]; score: number; severity: string; windows: number }[];
  comparison: RunComparison;
}

const overlapOf = (a: readonly string[], b: ReadonlySet<string>): number => {
  let inter = 0;
  for (const m of a) if (b.has(m)) inter++;
  const smaller = Math.min(a.length, b.size);
  return smaller ? inter / smaller : 0;
};

/**
 * The run's answer for one alert, by the alert identity rule: a cluster at or above the alert
 * minimum that overlaps it by `overlap` would have touched it (flagged; the highest such score);
 * otherwise the best-overlapping cluster below the minimum, if any (seen, not flagged).
 */
function answer(clusters: readonly StoredCluster[], members: ReadonlySet<string>, overlap: number, minScore: number): ShadowAlertRow['live'] {
  let flagged: StoredCluster | null = null;
  let seen: StoredCluster | null = null;
  for (const c of clusters) {
    if (overlapOf(c.members, members) < overlap) continue;
    if (c.score >= minScore) {
      if (!flagged || c.score > flagged.score) flagged = c;
    } else if (!seen || c.score > seen.score) seen = c;
  }
  const c = flagged ?? seen;
  return c ? { score: c.score, severity: c.severity, flagged: c === flagged } : null;
}

const ratio = (a: number, b: number) => (b ? a / b : null);
const summary = (a: RunAgreement): RunSummary => ({
  ...a,
  precision: ratio(a.confirmedAlerted, a.confirmedAlerted + a.dismissedAlerted),
  recall: ratio(a.confirmedAlerted, a.confirmedAlerted + a.confirmedMissed),
});

const toRun = (xs: readonly StoredCluster[], minScore: number): RunCluster[] =>
  // only clusters at or above the alert minimum can touch an alert (the identity rule), so the
  // comparison is handed those, matched at any score
  xs.filter((c) => c.score >= minScore).map((c) => ({ id: `${c.fingerprint}@${c.windowEnd.toISOString()}`, members: c.members, score: c.score }));

export function shadowReport(input: ShadowReportInput): ShadowReport {
  const within = (a: { firstSeen: Date; lastSeen: Date }) => input.windows.some((w) => a.firstSeen < w.end && a.lastSeen >= w.start);
  const spans = new Map(input.alerts.map((a) => [a.alertId, a]));
  const covered = input.reviewed.filter((r) => {
    const s = spans.get(r.alertId);
    return s ? within(s) : false;
  });
  const rows: ShadowAlertRow[] = covered.map((r) => {
    const m = new Set(r.members);
    return {
      alertId: r.alertId,
      verdict: r.status,
      members: r.members.length,
      live: answer(input.live, m, input.overlap, input.liveMinScore),
      candidate: answer(input.candidate, m, input.overlap, input.candidateMinScore),
    };
  });
  const verdicts: ReviewedAlert[] = covered.map((r) => ({ alertId: r.alertId, members: r.members, verdict: r.status, memberDecisions: r.decisions }));
  const comparison = compareRuns(toRun(input.live, input.liveMinScore), toRun(input.candidate, input.candidateMinScore), verdicts, { overlap: input.overlap, alertAt: 0 });
  const adds = rows.filter((r) => r.candidate?.flagged && !r.live?.flagged);
  const drops = rows.filter((r) => r.live?.flagged && !r.candidate?.flagged);

  // flagged candidate clusters touching no alert, grouped into networks by the same overlap rule
  const alertSets = input.alerts.map((a) => new Set(a.members));
  const fresh = input.candidate
    .filter((c) => c.score >= input.candidateMinScore && !alertSets.some((s) => overlapOf(c.members, s) >= input.overlap))
    .sort((a, b) => b.score - a.score || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  const groups: { lead: StoredCluster; members: Set<string>; windows: Set<number> }[] = [];
  for (const c of fresh) {
    const g = groups.find((x) => overlapOf(c.members, x.members) >= input.overlap);
    if (g) {
      for (const m of c.members) g.members.add(m);
      g.windows.add(c.windowEnd.getTime());
    } else groups.push({ lead: c, members: new Set(c.members), windows: new Set([c.windowEnd.getTime()]) });
  }
  return {
    windows: input.windows.length,
    reviewed: covered.length,
    outside: input.reviewed.length - covered.length,
    live: summary(comparison.live),
    candidate: summary(comparison.candidate),
    alerts: rows,
    adds,
    drops,
    newNetworks: groups.map((g) => ({ members: [...g.members].sort(), score: g.lead.score, severity: g.lead.severity, windows: g.windows.size })),
    comparison,
  };
}

export interface ShadowReportOptions {
  /** the candidate's hash (default: the one run last) */
  candidate?: string | null;
  /** only runs whose window ends after this */
  since?: Date | null;
  overlap: number;
  /** the live ALERT_MIN_SCORE */
  liveMinScore: number;
  /**
   * which runs: scans (rolling, deep, manual: the candidate runs the very operation the live
   * scan ran), windows (the candidate scans the cluster step's horizon, so even an empty
   * override differs from the live stream by what only scans build) or all
   */
  runs?: 'scans' | 'windows' | 'all';
}

const RUN_KINDS = { scans: ['rolling', 'deep', 'manual'], windows: ['window'], all: ['window', 'rolling', 'deep', 'manual'] } as const;

export type ShadowReportResult =
  | { candidate: null }
  | { candidate: { hash: string; config: ShadowConfig }; runs: { kinds: 'scans' | 'windows' | 'all'; completed: number; failed: number }; report: ShadowReport };

/** Read what the report compares (the candidate's runs, both runs' clusters, the verdicts) and compare. */
export async function buildShadowReport(db: DetectDeps['db']['kysely'], opts: ShadowReportOptions): Promise<ShadowReportResult> {
  const repo = shadowRepository(db);
  let hash = opts.candidate ?? null;
  let config: unknown = null;
  if (hash) {
    config = await repo.config(hash);
    if (config === null) throw new ShadowConfigError(`no shadow candidate ${hash} in this database`);
  } else {
    const last = await repo.latestCandidate();
    if (!last) return { candidate: null };
    hash = last.hash;
    config = last.config;
  }
  const cfg = config as ShadowConfig;
  const runs = await repo.runs(hash, opts.since ?? null, RUN_KINDS[opts.runs ?? 'scans']);
  const done = runs.filter((r) => r.status === 'completed');
  const windows = [...new Map(done.map((r) => [`${r.window_start.getTime()}/${r.window_end.getTime()}`, { start: r.window_start, end: r.window_end }])).values()];
  const [live, candidate, reviewed, alerts] = await Promise.all([
    repo.liveClusters(windows),
    repo.candidateClusters(done.map((r) => r.id)),
    verdictRepository(db).reviewed(),
    repo.alertSpans(),
  ]);
  const report = shadowReport({
    windows,
    live,
    candidate,
    reviewed,
    alerts,
    overlap: opts.overlap,
    liveMinScore: opts.liveMinScore,
    candidateMinScore: cfg.alerts?.minScore ?? opts.liveMinScore,
  });
  return { candidate: { hash, config: cfg }, runs: { kinds: opts.runs ?? 'scans', completed: done.length, failed: runs.length - done.length }, report };
}
