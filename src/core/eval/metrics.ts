import type { Edge, EdgeKind } from '../types.ts';
import type { LabelRow } from './labels.ts';

export interface AccountMetrics {
  /** accounts flagged, labelled or not */
  flagged: number;
  /** flagged accounts that have no label (left out of precision) */
  unlabeled: number;
  tp: number;
  fp: number;
  fn: number;
  /** null when nothing labelled was flagged */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** false positives / labelled negatives */
  fpr: number | null;
}

export function accountMetrics(
  flagged: Iterable<string>,
  labels: ReadonlyMap<string, LabelRow>,
  isPositive: (label: string) => boolean,
): AccountMetrics {
  const set = new Set(flagged);
  let tp = 0;
  let fp = 0;
  let unlabeled = 0;
  for (const a of set) {
    const l = labels.get(a);
    if (!l) unlabeled++;
    else if (isPositive(l.label)) tp++;
    else fp++;
  }
  let positives = 0;
  for (const l of labels.values()) if (isPositive(l.label)) positives++;
  const negatives = labels.size - positives;
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = positives > 0 ? tp / positives : null;
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision === null ? null : 0;
  return { flagged: set.size, unlabeled, tp, fp, fn: positives - tp, precision, recall, f1, fpr: negatives > 0 ? fp / negatives : null };
}

export interface ClusterPurity {
  id: string;
  size: number;
  score: number;
  severity: string;
  positives: number;
  negatives: number;
  unlabeled: number;
  /** positives / labelled members (null when none is labelled) */
  purity: number | null;
  /** the most common group among positive members */
  group: string | null;
}

export function clusterPurity(
  clusters: readonly { id: string; members: readonly string[]; score: { total: number; severity: string } }[],
  labels: ReadonlyMap<string, LabelRow>,
  isPositive: (label: string) => boolean,
): ClusterPurity[] {
  return clusters.map((c) => {
    let positives = 0;
    let negatives = 0;
    const groups = new Map<string, number>();
    for (const m of c.members) {
      const l = labels.get(m);
      if (!l) continue;
      if (isPositive(l.label)) {
        positives++;
        if (l.group) groups.set(l.group, (groups.get(l.group) ?? 0) + 1);
      } else negatives++;
    }
    const group = [...groups].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
    const labelled = positives + negatives;
    return {
      id: c.id,
      size: c.members.length,
      score: c.score.total,
      severity: c.score.severity,
      positives,
      negatives,
      unlabeled: c.members.length - labelled,
      purity: labelled ? positives / labelled : null,
      group,
    };
  });
}

/** coordination-network-toolkit's kinds */
export const TOOLKIT_KINDS: readonly EdgeKind[] = ['co_repost', 'co_text', 'co_similar', 'co_link'];

/**
 * The research tools' rule: an account is flagged when it has any edge (of the toolkit's
 * four kinds). The edges are the engine's, so window and minimum weight are the same.
 */
export function toolkitFlagged(edges: readonly Edge[], kinds: readonly EdgeKind[] = TOOLKIT_KINDS): Set<string> {
  const out = new Set<string>();
  for (const e of edges) {
    if (!kinds.includes(e.kind)) continue;
    out.add(e.a);
    out.add(e.b);
  }
  return out;
}

/** Recall within each labelled group (campaign, category) of positives. */
export function groupRecall(
  flagged: Iterable<string>,
  labels: ReadonlyMap<string, LabelRow>,
  isPositive: (label: string) => boolean,
): { group: string; positives: number; flagged: number; recall: number }[] {
  const set = new Set(flagged);
  const acc = new Map<string, { positives: number; flagged: number }>();
  for (const [id, l] of labels) {
    if (!isPositive(l.label)) continue;
    const g = l.group ?? l.label;
    let a = acc.get(g);
    if (!a) acc.set(g, (a = { positives: 0, flagged: 0 }));
    a.positives++;
    if (set.has(id)) a.flagged++;
  }
  return [...acc]
    .map(([group, a]) => ({ group, ...a, recall: a.flagged / a.positives }))
    .sort((x, y) => y.positives - x.positives || (x.group < y.group ? -1 : 1));
}
