import { sql } from 'kysely';
import type { AnalyzeParams } from '../core/analyze.ts';
import { alertRepository } from '../db/alert-repository.ts';
import type { ApplyResult } from '../core/alerts/apply.ts';
import { scanRepository } from '../db/scan-repository.ts';
import type { ScanKind } from '../db/schema/index.ts';
import { metrics } from '../metrics.ts';
import type { DetectDeps } from './deps.ts';
import { identityPolicy } from './deps.ts';
import { countAlerts } from './detect-window.ts';
import { latestPostTime } from './load.ts';
import { edgeParams } from './params.ts';
import { runShadow } from './shadow.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';

export type ScanType = Exclude<ScanKind, 'window'>;

export interface ScanResult {
  scanRunId: number;
  status: 'completed' | 'skipped';
  window: TimeWindow;
  posts: number;
  accounts: number;
  edges: number;
  clusters: number;
  applied: Omit<ApplyResult, 'notices'> | null;
  ms: number;
}

/** Scans of one kind run once at a time across all replicas: this session lock says who. */
const scanLockKey = (kind: ScanType) => 0x636f_0100 + ['rolling', 'deep', 'manual'].indexOf(kind);

/**
 * Deep scans add the long-horizon signals: persona drift from the stored sightings (A5),
 * and all accounts' signals. Synchrony (C6) joins here once the core builds its edges.
 */
export function deepParams(base: AnalyzeParams): AnalyzeParams {
  return { ...base, signalsFor: 'all' };
}

/** Where a scheduled scan's window ends: now, or the latest post (replaying old data). */
export async function scanWindow(deps: DetectDeps, kind: 'rolling' | 'deep', nowMs: number): Promise<TimeWindow | null> {
  let end = nowMs;
  if (deps.config.scans.anchor === 'latest-post') {
    const t = await latestPostTime(deps.db.kysely);
    if (!t) return null;
    end = t.getTime() + 1;
  }
  // whole minutes: a retried or repeated job covers the same window
  end = Math.ceil(end / 60_000) * 60_000;
  const span = kind === 'rolling' ? deps.config.scans.rollingHours * 3_600_000 : deps.config.scans.deepDays * 86_400_000;
  return { start: new Date(end - span), end: new Date(end) };
}

/**
 * A batch scan: the whole engine over one window (every post in it), then the alerts. The
 * same window scanned again changes no alert.
 */
export async function runScan(deps: DetectDeps, kind: ScanType, w: TimeWindow, jobId: string | null): Promise<ScanResult> {
  const { db } = deps;
  if (db.kind === 'pglite' || !db.kysely) return scanLocked(deps, kind, w, jobId);
  // a session lock on one pooled connection, held while the scan works on the others
  return db.kysely.connection().execute(async (conn) => {
    const key = scanLockKey(kind);
    const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${key}) as ok`.execute(conn);
    if (!got.rows[0]?.ok) {
      const scans = scanRepository(db.kysely);
      const id = await scans.start({ kind, window: w, params: {}, jobId, detectorVersion: deps.params.detectorVersion });
      await scans.finish(id, 'skipped', null, `another ${kind} scan is running`);
      deps.log.info({ kind, jobId }, 'scan skipped: another replica is running one');
      return { scanRunId: id, status: 'skipped' as const, window: w, posts: 0, accounts: 0, edges: 0, clusters: 0, applied: null, ms: 0 };
    }
    try {
      return await scanLocked(deps, kind, w, jobId);
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(conn).catch(() => {});
    }
  });
}

async function scanLocked(deps: DetectDeps, kind: ScanType, w: TimeWindow, jobId: string | null): Promise<ScanResult> {
  const { db, config } = deps;
  const params = kind === 'deep' ? deepParams(deps.params) : deps.params;
  const scans = scanRepository(db.kysely);
  const runId = await scans.start({
    kind,
    window: w,
    params: { window: edgeParams(params).delta, minWeight: edgeParams(params).minWeight, kinds: params.edges.kinds, minScore: config.alerts.minScore, overlap: config.alerts.overlap },
    jobId,
    detectorVersion: params.detectorVersion,
  });
  const started = performance.now();
  try {
    const alerts = alertRepository(db.kysely);
    const watchlist = [...(await alerts.watchlist())];
    // the load and the analysis run on the engine (a worker thread with Postgres): this
    // thread stays free to renew the job's lock however long they take
    const longHorizon = kind === 'deep' ? { horizonDays: config.scans.memoryDays, halfLifeDays: config.scans.memoryHalfLifeDays } : null;
    const run = await deps.engine.scan({ window: w, params, sightings: kind === 'deep', watchlist, longHorizon });
    const res = run.result;
    metrics.clustersFound.inc(res.clusters.length);
    const t0 = performance.now();
    const { notices, ...applied } = await deps.alerts.applyClusters(
      { clusters: res.clusters, accountSignals: res.accountSignals, window: w, scanRunId: runId, detectorVersion: params.detectorVersion, clusterEdges: res.clusterEdges },
      identityPolicy(config.alerts),
    );
    countAlerts(applied, notices);
    const phases = { ...run.ms, alerts: Math.round(performance.now() - t0) };
    const ms = Math.round(performance.now() - started);
    const result = { scanRunId: runId, status: 'completed' as const, window: w, posts: run.posts, accounts: run.accounts, edges: res.stats.edges, clusters: res.clusters.length, applied, ms };
    await scans.finish(runId, 'completed', { posts: result.posts, accounts: result.accounts, edges: result.edges, clusters: result.clusters, ...applied, ms, phases, engine: res.stats });
    if (notices.length) await deps.onNotices?.(notices);
    // shadow mode: the candidate over the same window, after the live alerts (never throws)
    await runShadow(deps, { kind, scanRunId: runId, window: w, watchlist });
    return result;
  } catch (err) {
    await scans.finish(runId, 'failed', null, (err as Error).message).catch(() => {});
    throw err;
  }
}
