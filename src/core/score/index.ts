import type { ActionIndex } from '../cluster/actions.ts';
import type { AccountCluster } from '../cluster/index.ts';
import type { NullModelResult } from '../null-model/index.ts';
import type { EdgeKind } from '../types.ts';
import { clusterEvidence } from './evidence.ts';
import { clusterFeatures } from './features.ts';
import { computeParts } from './parts.ts';
import type { ClusterNarratives, MemberDetail, ScoreParams, ScoredCluster, Severity } from './types.ts';
import { verdictOf } from './verdict.ts';

export type * from './types.ts';
export { clusterFeatures, quantile } from './features.ts';
export type { ClusterFeatures, SharedObject } from './features.ts';
export { rarityOf } from './parts.ts';

export interface ScoreContext {
  index: ActionIndex;
  nullModel: NullModelResult;
  /** account id → suspicion 0..1 (A1–A6 combined) */
  suspicion?: ReadonlyMap<string, number>;
  /** the cluster's narratives, when lexicons were given: share of its posts matching any, and per narrative */
  narratives?: ClusterNarratives;
  /** confirmed accounts */
  watchlist?: ReadonlySet<string>;
}

export function severityOf(total: number, s: ScoreParams['severity']): Severity {
  if (total >= s.critical) return 'critical';
  if (total >= s.high) return 'high';
  if (total >= s.medium) return 'medium';
  return 'low';
}

export function scoreCluster(cluster: AccountCluster, ctx: ScoreContext, params: ScoreParams): ScoredCluster {
  const f = clusterFeatures(cluster, ctx.index);
  const kindSet = new Set<EdgeKind | 'co_set'>(cluster.edges.map((e) => e.kind));
  if (cluster.links.length) kindSet.add('co_set');
  const kinds = [...kindSet].sort();

  const suspicion: number[] = [];
  if (ctx.suspicion) for (const m of cluster.members) {
    const s = ctx.suspicion.get(m);
    if (s !== undefined) suspicion.push(s);
  }

  const narrativeShare = ctx.narratives ? ctx.narratives.share : null;
  const topNarrative = ctx.narratives?.summaries[0]?.title ?? null;
  const watchlisted = ctx.watchlist ? cluster.members.filter((m) => ctx.watchlist!.has(m)).length : null;

  const parts = computeParts(
    { cluster, features: f, nullModel: ctx.nullModel, kinds, suspicion, narrativeShare, topNarrative, watchlisted },
    params,
  );
  const total = Math.min(100, Math.round(parts.reduce((a, p) => a + p.contribution, 0)));
  const severity = severityOf(total, params.severity);
  const evidence = clusterEvidence(cluster, ctx.index, f, params);
  const similarPairs = cluster.edges.filter((e) => e.kind === 'co_similar').length;
  const verdict = verdictOf(cluster.members.length, f, evidence, parts, total, severity, similarPairs);

  const memberDetails: MemberDetail[] = cluster.members.map((account, i) => ({
    account,
    cohesion: Math.round(f.cohesion[i] * 1000) / 1000,
    shared: f.sharedPerMember[i],
    degree: f.degree[i],
    suspicion: ctx.suspicion?.get(account) ?? null,
    watchlisted: ctx.watchlist?.has(account) ?? false,
  }));

  return {
    id: cluster.id,
    members: cluster.members,
    size: cluster.members.length,
    score: { total, severity, parts, verdict, evidence },
    kinds,
    memberDetails,
    nullModel: ctx.nullModel,
    narratives: ctx.narratives?.summaries ?? [],
    stats: {
      edges: cluster.edges.length,
      links: cluster.links.length,
      pairs: cluster.pairs,
      density: Math.round(cluster.density * 1000) / 1000,
      sharedObjects: f.shared.length,
      posts: f.posts,
    },
  };
}
