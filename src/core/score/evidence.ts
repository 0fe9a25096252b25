import { TEXT_EDGE_KINDS } from '../edges/kinds/index.ts';
import type { ActionIndex } from '../cluster/actions.ts';
import type { CorePost } from '../types.ts';
import type { AccountCluster } from '../cluster/index.ts';
import type { ClusterFeatures } from './features.ts';
import { quantile } from './features.ts';
import type { ClusterEvidence, EvidencePost, ScoreParams } from './types.ts';

const TEXT_KINDS: ReadonlySet<string> = new Set(TEXT_EDGE_KINDS);
const MAX_TEXT = 500;

function asEvidence(p: CorePost | undefined): EvidencePost | null {
  if (!p) return null;
  return { account: p.account, post: p.key, t: p.t, text: p.text.length > MAX_TEXT ? `${p.text.slice(0, MAX_TEXT)}…` : p.text };
}

/**
 * Posts by key for the evidence of one cluster. An edge's evidence posts are its two
 * accounts' own, and a cluster's edges join members: the members' posts are all the
 * lookup needs (indexed once, when needed), not every analysed post.
 */
function postLookup(cluster: AccountCluster, index: ActionIndex): (key: string) => CorePost | undefined {
  let mine: Map<string, CorePost> | null = null;
  return (key) => {
    if (!mine) {
      mine = new Map();
      for (const m of cluster.members) for (const p of index.postsByAccount.get(m) ?? []) mine.set(p.key, p);
    }
    return mine.get(key);
  };
}

/** The strongest evidence: the posts side by side, the shared links, hashtags and reposts, the Δt's. */
export function clusterEvidence(cluster: AccountCluster, index: ActionIndex, f: ClusterFeatures, params: ScoreParams): ClusterEvidence {
  const caps = params.evidence;
  const postOf = postLookup(cluster, index);
  const texts: ClusterEvidence['texts'] = [];
  const seenText = new Set<string>();
  const candidates = cluster.edges
    .filter((e) => TEXT_KINDS.has(e.kind))
    .flatMap((e) => e.evidence.map((ev) => ({ kind: e.kind, ev })))
    .sort((x, y) => x.ev.dt - y.ev.dt || (x.ev.a_post < y.ev.a_post ? -1 : 1));
  for (const { kind, ev } of candidates) {
    if (texts.length >= caps.texts) break;
    const a = asEvidence(postOf(ev.a_post));
    const b = asEvidence(postOf(ev.b_post));
    if (!a || !b) continue;
    const k = `${a.text}\u0000${b.text}`;
    if (seenText.has(k)) continue;
    seenText.add(k);
    texts.push({ kind, a, b, dt: ev.dt });
  }
  // same texts found by the action index, when the edges did not carry them
  if (texts.length < caps.texts) {
    const memberSet = new Set(cluster.members);
    for (const s of f.shared) {
      if (texts.length >= caps.texts) break;
      if (!s.key.startsWith('t:')) continue;
      const tracks = index.objects.get(s.key)!.shares.filter((x) => memberSet.has(x.account));
      const first = tracks[0];
      const other = tracks.find((x) => x.account !== first.account);
      if (!other) continue;
      const a = asEvidence(first.ref);
      const b = asEvidence(other.ref);
      if (!a || !b) continue;
      const k = `${a.text}\u0000${b.text}`;
      if (seenText.has(k)) continue;
      seenText.add(k);
      texts.push({ kind: 'same_text', a, b, dt: Math.abs(other.t - first.t) });
    }
  }

  const links = f.shared
    .filter((s) => s.key.startsWith('u:'))
    .slice(0, caps.links)
    .map((s) => ({ url: s.key.slice(2), members: s.members, sharers: s.sharers }));

  const tagMembers = new Map<string, Set<string>>();
  for (const m of cluster.members) {
    for (const p of index.postsByAccount.get(m) ?? []) {
      for (const h of p.hashtags) {
        const t = h.toLowerCase();
        let s = tagMembers.get(t);
        if (!s) tagMembers.set(t, (s = new Set()));
        s.add(m);
      }
    }
  }
  const hashtags = [
    ...f.shared.filter((s) => s.key.startsWith('h:')).map((s) => ({ tags: s.key.slice(2), members: s.members })),
    ...[...tagMembers].filter(([, s]) => s.size >= 2).map(([t, s]) => ({ tags: t, members: s.size })),
  ]
    .sort((a, b) => b.members - a.members || (a.tags < b.tags ? -1 : 1))
    .slice(0, caps.hashtags);

  const reposts = f.shared
    .filter((s) => s.key.startsWith('r:'))
    .slice(0, caps.reposts)
    .map((s) => {
      const first = index.objects.get(s.key)!.shares[0];
      const text = first.ref.text ?? '';
      return { target: s.key.slice(2), members: s.members, sharers: s.sharers, text: text.slice(0, 280) };
    });

  const g = f.gaps;
  return {
    texts,
    links,
    hashtags,
    reposts,
    dt: { count: g.length, min: g[0] ?? 0, median: quantile(g, 0.5), p90: quantile(g, 0.9), max: g[g.length - 1] ?? 0 },
    span: f.span,
  };
}
