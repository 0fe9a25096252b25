import { clusterId } from '../../src/core/cluster/index.ts';
import { severityOf } from '../../src/core/score/index.ts';
import type { ScoredCluster } from '../../src/core/score/types.ts';

/**
 * A scored cluster built by hand, for the alert logic (the engine is tested on its own).
 * Members are account keys; `t0` (epoch s) places its activity.
 */
export function scored(members: string[], total: number, opts: { t0?: number; texts?: number; urls?: string[] } = {}): ScoredCluster {
  const sorted = [...members].sort();
  const t0 = opts.t0 ?? 1_475_000_000;
  const texts = Array.from({ length: opts.texts ?? 2 }, (_, i) => ({
    kind: 'co_text' as const,
    a: { account: sorted[0]!, post: `x:p${t0}-${i}a`, t: t0 + i, text: `same words ${i}` },
    b: { account: sorted[1]!, post: `x:p${t0}-${i}b`, t: t0 + i + 3, text: `same words ${i}` },
    dt: 3,
  }));
  return {
    id: clusterId(sorted),
    members: sorted,
    size: sorted.length,
    score: {
      total,
      severity: severityOf(total, { medium: 40, high: 60, critical: 80 }),
      parts: [{ name: 'cohesion', value: total / 100, weight: 25, contribution: total / 4, reason: 'members act together' }],
      verdict: `${sorted.length} accounts posted the same texts within seconds`,
      evidence: {
        texts,
        links: (opts.urls ?? []).map((url) => ({ url, members: sorted.length, sharers: sorted.length })),
        hashtags: [],
        reposts: [],
        dt: { count: 2, min: 3, median: 3, p90: 3, max: 3 },
        span: { start: t0, end: t0 + 60 },
      },
    },
    kinds: ['co_text'],
    memberDetails: sorted.map((account, i) => ({ account, cohesion: 0.8, shared: 3, degree: i === 0 ? sorted.length - 1 : 1, suspicion: 0.5, watchlisted: false })),
    nullModel: { observed: 10, expected: 1, sd: 1, z: 9, p: 0.01, ratio: 10, rounds: 100, objects: 3 },
    narratives: [],
    stats: { edges: sorted.length, links: 0, pairs: sorted.length, density: 1, sharedObjects: 3, posts: 10 },
  };
}

export const accts = (prefix: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => `x:${prefix}${i + from}`);
