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

/** Re-reads of a window whose posts kept changing while it was analysed, before giving up to the scans. */
const MAX_PASSES = 5;

export interface WindowResult {
  scanRunId: number;
  posts: number;
  edges: number;
  passes: number;
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
    let posts = 0;
    let edges: Edge[] = [];
    let passes = 0;
    while (passes < MAX_PASSES) {
      passes++;
      const loaded = await loadPosts(db.kysely, range);
      posts = loaded.length;
      const t = new Map(loaded.map((p) => [p.key, p.t]));
      const s = w.start.getTime() / 1000;
      const e = w.end.getTime() / 1000;
      // the co-action belongs to the window of its earlier post: adjacent windows do not both claim it
      const inside = (ev: Edge['evidence'][number]) => {
        const first = Math.min(t.get(ev.a_post) ?? Infinity, t.get(ev.b_post) ?? Infinity);
        return first >= s && first < e;
      };
      edges = buildWindowEdges(loaded, params).filter((x) => x.evidence.some(inside));
      await edgeRepository(db.kysely).replaceWindow(w, edges, params.detectorVersion);
      if ((await countPosts(db.kysely, range)) === posts) break;
    }
    metrics.windowsDetected.inc();
    metrics.edgesStored.inc(edges.length);
    const cluster = await clusterStep(deps, w.end, runId);
    const stats = { posts, edges: edges.length, passes, cluster, ms: Math.round(performance.now() - started) };
    await scans.finish(runId, 'completed', stats);
    return { scanRunId: runId, posts, edges: edges.length, passes, cluster };
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
