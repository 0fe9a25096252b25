import { sql } from 'kysely';
import { alertRepository } from '../db/alert-repository.ts';
import type { ApplyResult } from '../db/alert-repository.ts';
import { edgeRepository } from '../db/edge-repository.ts';
import { scanRepository } from '../db/scan-repository.ts';
import type { Edge } from '../core/types.ts';
import { metrics } from '../metrics.ts';
import type { DetectDeps } from './deps.ts';
import { identityPolicy } from './deps.ts';
import { countPosts, loadAccounts, loadPosts } from './load.ts';
import { buildWindowEdges, clusterEdges, edgeMinWeight, edgeWindow } from './run-engine.ts';
import { minutes } from './windows.ts';
import type { TimeWindow } from './windows.ts';

export interface WindowResult {
  scanRunId: number;
  posts: number;
  edges: number;
  /** posts landed in the window while it was analysed: it needs another run */
  changed: boolean;
  cluster: ClusterStepResult;
}

export interface ClusterStepResult {
  edges: number;
  accounts: number;
  posts: number;
  clusters: number;
  applied: Omit<ApplyResult, 'notices'> | null;
}

/**
 * Streaming detection of one window: load its posts plus the Δ margin after it, build the
 * co-action edges whose earlier post is inside the window, store them (replacing the
 * window's rows), then run the cluster step. Posts that land while the window is being
 * analysed are caught by re-reading it (the job id is busy, so their chunk's enqueue was
 * a no-op).
 */
export async function detectWindow(deps: DetectDeps, w: TimeWindow, jobId: string | null): Promise<WindowResult> {
  const { db, params } = deps;
  const scans = scanRepository(db.kysely);
  const runId = await scans.start({ kind: 'window', window: w, params: { window: edgeWindow(params), minWeight: edgeMinWeight(params), kinds: params.edges.kinds }, jobId, detectorVersion: params.detectorVersion });
  const started = performance.now();
  try {
    const range = { start: w.start, end: new Date(w.end.getTime() + edgeWindow(params) * 1000) };
    const loaded = await loadPosts(db.kysely, range);
    const posts = loaded.length;
    const t = new Map(loaded.map((p) => [p.key, p.t]));
    const s = w.start.getTime() / 1000;
    const e = w.end.getTime() / 1000;
    // the co-action belongs to the window of its earlier post: adjacent windows do not both claim it
    const inside = (ev: Edge['evidence'][number]) => {
      const first = Math.min(t.get(ev.a_post) ?? Infinity, t.get(ev.b_post) ?? Infinity);
      return first >= s && first < e;
    };
    const edges = buildWindowEdges(loaded, params).filter((x) => x.evidence.some(inside));
    await edgeRepository(db.kysely).replaceWindow(w, edges, params.detectorVersion);
    metrics.windowsDetected.inc();
    metrics.edgesStored.inc(edges.length);
    const cluster = await clusterStep(deps, w.end, runId);
    // Windows after this one whose cluster step ran without its edges (it came late: a retry
    // after a crash, or old posts landing): their steps run again, oldest first, so the alerts
    // end as if the windows had come in order.
    const later = await sql<{ end: Date }>`
      select distinct window_end as end from scan_runs
      where kind = 'window' and status = 'completed' and window_start > ${w.start}
        and window_end <= ${new Date(w.end.getTime() + minutes(deps.config.detect.horizonMinutes))}
      order by 1`.execute(db.kysely);
    for (const r of later.rows) await clusterStep(deps, new Date(r.end), runId);
    // posts that landed meanwhile: their chunk's enqueue found this job busy, so the caller queues a follow-up
    const changed = (await countPosts(db.kysely, range)) !== posts;
    const stats = { posts, edges: edges.length, changed, cluster, reclustered: later.rows.length, ms: Math.round(performance.now() - started) };
    await scans.finish(runId, 'completed', stats);
    return { scanRunId: runId, posts, edges: edges.length, changed, cluster };
  } catch (err) {
    await scans.finish(runId, 'failed', null, (err as Error).message).catch(() => {});
    throw err;
  }
}

/**
 * The cluster step: the stored edges of the horizon before `end`, the posts of the accounts
 * they join, clusters and scores, then the alerts.
 */
export async function clusterStep(deps: DetectDeps, end: Date, scanRunId: number | null): Promise<ClusterStepResult> {
  const { db, params, config } = deps;
  const from = new Date(end.getTime() - minutes(config.detect.horizonMinutes));
  const edges = (await edgeRepository(db.kysely).rolling(from, end)).filter((e) => e.weight >= edgeMinWeight(params));
  if (edges.length === 0) return { edges: 0, accounts: 0, posts: 0, clusters: 0, applied: null };
  const keys = [...new Set(edges.flatMap((e) => [e.a, e.b]))].sort();
  const posts = await loadPosts(db.kysely, { start: from, end: new Date(end.getTime() + edgeWindow(params) * 1000) }, { accounts: keys });
  const accounts = await loadAccounts(db.kysely, keys);
  const alerts = alertRepository(db.kysely);
  const watchlist = await alerts.watchlist();
  const res = clusterEdges({ posts, accounts, watchlist, narratives: deps.narratives, now: end.getTime() / 1000 }, edges, params);
  metrics.clustersFound.inc(res.clusters.length);
  const { notices, ...applied } = await alerts.applyClusters(
    { clusters: res.clusters, accountSignals: res.accountSignals, window: { start: from, end }, scanRunId, detectorVersion: params.detectorVersion },
    identityPolicy(config.alerts),
  );
  countAlerts(applied, notices);
  if (notices.length) await deps.onNotices?.(notices);
  return { edges: edges.length, accounts: keys.length, posts: posts.length, clusters: res.clusters.length, applied };
}

export function countAlerts(applied: Omit<ApplyResult, 'notices'>, notices: ApplyResult['notices']): void {
  for (const n of notices) if (n.event === 'opened') metrics.alertsOpened.inc({ severity: n.severity });
  metrics.alertsUpdated.inc(applied.updated.length);
}
