import type { ActionIndex } from '../cluster/actions.ts';
import type { AccountCluster } from '../cluster/index.ts';
import type { NullModelResult } from '../null-model/index.ts';
import type { EdgeKind } from '../types.ts';
import { clusterEvidence } from './evidence.ts';
import { clusterFeatures } from './features.ts';
import { computeParts } from './parts.ts';
import type { ClusterNarratives, MemberDetail, PartName, ScoreParams, ScorePart, ScoredCluster, Severity } from './types.ts';
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
  /** template texts (cluster/templates.ts): weighed as popular objects */
  templates?: ReadonlySet<string>;
}

export function severityOf(total: number, s: ScoreParams['severity']): Severity {
  if (total >= s.critical) return 'critical';
  if (total >= s.high) return 'high';
  if (total >= s.medium) return 'medium';
  return 'low';
}

/**
 * What corroborates a cluster beyond how much its members share (cohesion, repetition, density,
 * size, kinds describe the sharing itself): the names of the parts that do.
 * - null_model: co-action timing beyond shuffled timelines at p ≤ nullP (a one-sided test at the
 *   conventional 5 %);
 * - rarity: the shared objects are the group's own — a value of 0.5 is an object 4 accounts
 *   shared in all (1/log2 4) or one half of whose sharers are members (not for a pair: exclusive
 *   objects are how a pair is found);
 * - account_signals: members' mean suspicion at half its scale or more;
 * - watchlist: a confirmed account among the members.
 */
export function corroboration(parts: readonly ScorePart[], nm: NullModelResult, params: ScoreParams, size: number): PartName[] {
  const c = params.corroboration ?? DEFAULT_CORROBORATION;
  const value = (n: PartName) => parts.find((p) => p.name === n)?.value ?? 0;
  const out: PartName[] = [];
  if (nm.rounds > 0 && nm.p <= c.nullP && nm.ratio > 1) out.push('null_model');
  // a pair was found by its exclusive objects: its rarity is how it was found, not corroboration
  if (value('rarity') >= c.rarity && size > 2) out.push('rarity');
  if (value('account_signals') >= c.suspicion) out.push('account_signals');
  if (value('watchlist') > 0) out.push('watchlist');
  return out;
}

export const DEFAULT_CORROBORATION = { nullP: 0.05, rarity: 0.5, suspicion: 0.5 };

export function scoreCluster(cluster: AccountCluster, ctx: ScoreContext, params: ScoreParams): ScoredCluster {
  const f = clusterFeatures(cluster, ctx.index, ctx.templates);
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
  const sum = Math.min(100, Math.round(parts.reduce((a, p) => a + p.contribution, 0)));
  const corroborated = corroboration(parts, ctx.nullModel, params, cluster.members.length);
  // No single part makes an alert: without corroboration the total stays below medium.
  const total = corroborated.length ? sum : Math.min(sum, params.severity.medium - 1);
  const severity = severityOf(total, params.severity);
  const evidence = clusterEvidence(cluster, ctx.index, f, params);
  const similarPairs = cluster.edges.filter((e) => e.kind === 'co_similar').length;
  const verdict = verdictOf(cluster.members.length, f, evidence, parts, total, severity, similarPairs, {
    exclusive: cluster.exclusive ?? 0,
    capped: total < sum ? sum : null,
  });

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
