import { alertRepository } from '../db/alert-repository.ts';
import type { ApplyResult } from '../core/alerts/apply.ts';
import { scanRepository, withStepLock, withWindowLock } from '../db/scan-repository.ts';
import { metrics } from '../metrics.ts';
import type { DetectDeps } from './deps.ts';
import { identityPolicy } from './deps.ts';
import { countPosts } from './load.ts';
import { Phases } from './phases.ts';
import { edgeParams } from './params.ts';
import { minutes } from '../core/alerts/windows.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import type { ClusterTaskResult } from './engine.ts';
import { runShadow } from './shadow.ts';

export interface WindowResult {
  scanRunId: number;
  posts: number;
  edges: number;
  /** posts landed in the window while it was analysed: it needs another run */
  changed: boolean;
  /** the edges equal those of the window's last completed run: nothing was written or clustered again */
  same: boolean;
  cluster: ClusterStepResult;
}

export interface ClusterStepResult {
  edges: number;
  accounts: number;
  posts: number;
  clusters: number;
  applied: Omit<ApplyResult, 'notices'> | null;
}

const NO_STEP: ClusterStepResult = { edges: 0, accounts: 0, posts: 0, clusters: 0, applied: null };

/**
 * Streaming detection of one window: load its posts plus the Δ margin after it, build the
 * co-action edges whose earlier post is inside the window, run the cluster step over the
 * horizon with them and write the alerts, then store the edges (replacing the window's
 * rows: a retry writes the same rows). The alerts come first so a busy window's alerts
 * never wait on rewriting its rows. Posts that land while the window is being analysed
 * are caught by re-reading it (the job id is busy, so their chunk's enqueue was a no-op).
 * A run that finds exactly the edges the window's last completed run stored stops there:
 * the cluster steps already saw them (a live window re-run for posts that joined no
 * co-action).
 */
export async function detectWindow(deps: DetectDeps, w: TimeWindow, jobId: string | null): Promise<WindowResult> {
  return withWindowLock(deps.db, w.start, () => detectWindowLocked(deps, w, jobId));
}

async function detectWindowLocked(deps: DetectDeps, w: TimeWindow, jobId: string | null): Promise<WindowResult> {
  const { db, params, config } = deps;
  const scans = scanRepository(db.kysely);
  const runId = await scans.start({ kind: 'window', window: w, params: { window: edgeParams(params).delta, minWeight: edgeParams(params).minWeight, kinds: params.edges.kinds }, jobId, detectorVersion: params.detectorVersion });
  const started = performance.now();
  const ph = new Phases();
  try {
    const range = { start: w.start, end: new Date(w.end.getTime() + edgeParams(params).delta * 1000) };
    // the window's latest other run: completed with the same edges means nothing downstream changes
    const prev = await ph.time('previous', () => scans.previousWindowRun(w.start, runId));
    // (a run that left its step to an earlier window is not trusted to have been stepped)
    const storedHash = prev?.status === 'completed' && prev.stepped ? prev.edgesHash : null;
    const from = new Date(w.end.getTime() - minutes(config.detect.horizonMinutes));
    const alerts = alertRepository(db.kysely);
    const watchlist = [...(await alerts.watchlist())];
    // An earlier window of the horizon still running (a worker killed mid-window, not yet
    // retried): this window's step would miss its edges and write alerts an in-order run never
    // would, which no later step can take back. The step is left to that window's run, which
    // re-steps the windows after it.
    const waitingFor = await ph.time('blocked', () => scans.windowRunningBefore(from, w.start, runId));
    const run = await ph.time('window', () => deps.engine.window({ range, window: w, params, storedHash, from, cluster: !waitingFor, watchlist }));
    for (const [k, v] of Object.entries(run.ms)) ph.add(`window.${k}`, v);
    let cluster = NO_STEP;
    if (!run.same) {
      if (run.cluster) cluster = await applyStep(deps, run.cluster, { start: from, end: w.end }, runId, ph);
      await ph.time('store', () => deps.engine.storeWindow({ window: w, hash: run.hash, detectorVersion: params.detectorVersion }));
      metrics.edgesStored.inc(run.edges);
    }
    metrics.windowsDetected.inc();
    // posts that landed meanwhile: their chunk's enqueue found this job busy, so the caller queues a follow-up
    const changed = (await ph.time('count', () => countPosts(db.kysely, range))) !== run.posts;
    const stats = { posts: run.posts, load: run.load ?? null, edges: run.edges, edgesHash: run.hash, same: run.same, waitingFor, changed, cluster, ms: Math.round(performance.now() - started), phases: ph.ms };
    // completed before it settles: a window that settles after this one sees its edges
    await scans.finish(runId, 'completed', stats);
    if (!run.same) {
      const settled = await settle(deps, w, runId, waitingFor !== null, ph);
      await scans.addStats(runId, { reclustered: settled.steps, blockedAtSettle: settled.blockedBy, settleMs: settled.ms });
    }
    // shadow mode: the candidate over the cluster step's horizon, after the live alerts (never throws)
    if (run.cluster) await runShadow(deps, { kind: 'window', scanRunId: runId, window: { start: from, end: w.end }, watchlist });
    return { scanRunId: runId, posts: run.posts, edges: run.edges, changed, same: run.same, cluster };
  } catch (err) {
    await scans.finish(runId, 'failed', null, (err as Error).message).catch(() => {});
    throw err;
  }
}

/**
 * A finished window's steps, under the cluster-step lock (one at a time across every detect
 * worker and replica, so no deferred step is lost between two workers):
 * - an earlier window of its horizon still running: that window settles after this one and
 *   steps it then (this window is already recorded as completed); only the later windows out
 *   of that window's reach are stepped here;
 * - otherwise its own step when it left it (it waited at the start) or when an earlier window
 *   of its horizon completed after it started (its step may have missed those edges);
 * - and then the steps of the completed windows after it whose horizon reaches back into it,
 *   oldest first, so the alerts end as if the windows had come in order.
 * One worker taking windows in order does none of these: nothing earlier runs, nothing later
 * is done yet.
 */
async function settle(deps: DetectDeps, w: TimeWindow, runId: number, deferred: boolean, ph: Phases): Promise<{ steps: number; blockedBy: Date | null; ms: number }> {
  const t0 = performance.now();
  const scans = scanRepository(deps.db.kysely);
  const horizon = minutes(deps.config.detect.horizonMinutes);
  const from = new Date(w.end.getTime() - horizon);
  return withStepLock(deps.db, async () => {
    const blockedBy = await scans.windowRunningBefore(from, w.start, runId);
    const ends: Date[] = [];
    if (!blockedBy && (deferred || (await scans.windowCompletedSince(from, w.start, runId)))) ends.push(w.end);
    const later = await scans.laterWindowEnds(w, new Date(w.end.getTime() + horizon));
    // the blocking window re-steps what its horizon reaches (window_start > its start, end ≤ its start + horizon and more)
    for (const end of later) if (!blockedBy || end.getTime() > blockedBy.getTime() + horizon) ends.push(end);
    for (const end of ends) await clusterStep(deps, end, runId, ph);
    return { steps: ends.length, blockedBy, ms: Math.round(performance.now() - t0) };
  });
}

/**
 * The cluster step: the stored edges of the horizon before `end`, the posts of the accounts
 * they join, clusters and scores (on the engine), then the alerts.
 */
export async function clusterStep(deps: DetectDeps, end: Date, scanRunId: number | null, ph = new Phases()): Promise<ClusterStepResult> {
  const { params, config } = deps;
  const from = new Date(end.getTime() - minutes(config.detect.horizonMinutes));
  const watchlist = [...(await alertRepository(deps.db.kysely).watchlist())];
  const step = await ph.time('cluster', () => deps.engine.cluster({ from, end, params, watchlist }));
  return applyStep(deps, step, { start: from, end }, scanRunId, ph);
}

/** A cluster step's clusters into alerts. */
async function applyStep(deps: DetectDeps, step: ClusterTaskResult, window: TimeWindow, scanRunId: number | null, ph: Phases): Promise<ClusterStepResult> {
  const { params, config } = deps;
  for (const [k, v] of Object.entries(step.ms)) ph.add(`cluster.${k}`, v);
  const res = step.result;
  if (!res) return NO_STEP;
  metrics.clustersFound.inc(res.clusters.length);
  const { notices, ...applied } = await ph.time('alerts', () =>
    deps.alerts.applyClusters(
      { clusters: res.clusters, accountSignals: res.accountSignals, window, scanRunId, detectorVersion: params.detectorVersion, clusterEdges: res.clusterEdges },
      identityPolicy(config.alerts),
    ),
  );
  countAlerts(applied, notices);
  if (notices.length) await deps.onNotices?.(notices);
  return { edges: step.edges, accounts: step.accounts, posts: step.posts, clusters: res.clusters.length, applied };
}

export function countAlerts(applied: Omit<ApplyResult, 'notices'>, notices: ApplyResult['notices']): void {
  for (const n of notices) if (n.event === 'opened') metrics.alertsOpened.inc({ severity: n.severity });
  metrics.alertsUpdated.inc(applied.updated.length);
}
