import type { AnalyzeResult } from '../analyze.ts';

/**
 * The accounts an analysis flags at another score cut-off, without analysing again: members
 * of clusters scoring at least `threshold` whose own cohesion reaches `minCohesion` — the rule
 * analyze() applies with its flagThreshold and flagMinCohesion. The harness checks that this
 * gives analyze()'s own `flagged` at its own threshold (`flagRuleAgrees`), so a change of the
 * rule in the engine shows up as a warning rather than as silently wrong numbers.
 */
export interface FlaggableCluster {
  score: { total: number };
  memberDetails: readonly { account: string; cohesion: number }[];
}

export function flaggedAt(result: { clusters: readonly FlaggableCluster[] }, threshold: number, minCohesion: number): string[] {
  const out = new Set<string>();
  for (const c of result.clusters) {
    if (c.score.total < threshold) continue;
    for (const m of c.memberDetails) if (m.cohesion >= minCohesion) out.add(m.account);
  }
  return [...out].sort();
}

export function flagRuleAgrees(result: AnalyzeResult, threshold: number, minCohesion: number): boolean {
  const mine = flaggedAt(result, threshold, minCohesion);
  return mine.length === result.flagged.length && mine.every((a, i) => a === result.flagged[i]);
}
