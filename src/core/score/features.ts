import type { ActionIndex } from '../cluster/actions.ts';
import type { AccountCluster } from '../cluster/index.ts';

/**
 * What a cluster shares, measured from the action index: the objects two or more members
 * acted on, how exclusive they are to the cluster, how close in time the members acted,
 * and how much of each member's activity is this shared work.
 */

export interface SharedObject {
  key: string;
  /** members that acted on it */
  members: number;
  /** accounts that acted on it, in all */
  sharers: number;
}

export interface ClusterFeatures {
  shared: SharedObject[];
  /** per member (same order as cluster.members) */
  cohesion: number[];
  sharedPerMember: number[];
  degree: number[];
  /** nearest-other-member gaps (s) on shared objects, sorted ascending */
  gaps: number[];
  /** posts of all members */
  posts: number;
  span: { start: number; end: number } | null;
}

/** Posts that an inside text-similarity edge names: their exact objects differ, but they are shared work. */
const TEXT_KINDS = new Set(['co_similar', 'co_reply', 'co_text']);

export function clusterFeatures(cluster: AccountCluster, index: ActionIndex): ClusterFeatures {
  const members = cluster.members;
  const memberSet = new Set(members);
  const memberCount = new Map<string, number>();
  for (const m of members) for (const o of index.objectsOfAccount.get(m) ?? []) memberCount.set(o, (memberCount.get(o) ?? 0) + 1);

  const shared: SharedObject[] = [];
  const exclusivity = new Map<string, number>();
  for (const [key, count] of memberCount) {
    if (count < 2) continue;
    const sharers = index.sharers.get(key) ?? count;
    shared.push({ key, members: count, sharers });
    // of the *other* accounts that acted on it, the share inside the cluster
    exclusivity.set(key, sharers > 1 ? (count - 1) / (sharers - 1) : 1);
  }
  shared.sort((a, b) => b.members - a.members || a.sharers - b.sharers || (a.key < b.key ? -1 : 1));

  const similarPosts = new Set<string>();
  for (const e of cluster.edges) {
    if (!TEXT_KINDS.has(e.kind)) continue;
    for (const ev of e.evidence) {
      similarPosts.add(ev.a_post);
      similarPosts.add(ev.b_post);
    }
  }

  let posts = 0;
  const cohesion: number[] = [];
  const sharedPerMember: number[] = [];
  for (const m of members) {
    const ps = index.postsByAccount.get(m) ?? [];
    posts += ps.length;
    let sum = 0;
    for (const p of ps) {
      let best = similarPosts.has(p.key) ? 1 : 0;
      for (const o of index.objectsOfPost.get(p.key) ?? []) best = Math.max(best, exclusivity.get(o) ?? 0);
      sum += best;
    }
    cohesion.push(ps.length ? sum / ps.length : 0);
    let k = 0;
    for (const o of index.objectsOfAccount.get(m) ?? []) if (exclusivity.has(o)) k++;
    sharedPerMember.push(k);
  }

  const degreeOf = new Map<string, number>();
  const seenPair = new Set<string>();
  const bump = (a: string, b: string) => {
    const k = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    if (seenPair.has(k)) return;
    seenPair.add(k);
    degreeOf.set(a, (degreeOf.get(a) ?? 0) + 1);
    degreeOf.set(b, (degreeOf.get(b) ?? 0) + 1);
  };
  for (const e of cluster.edges) bump(e.a, e.b);
  for (const l of cluster.links) bump(l.a, l.b);

  const gaps: number[] = [];
  let start = Infinity;
  let end = -Infinity;
  for (const s of shared) {
    const tracks = index.shares.get(s.key)!.filter((x) => memberSet.has(x.account));
    for (let i = 0; i < tracks.length; i++) {
      if (tracks[i].t < start) start = tracks[i].t;
      if (tracks[i].t > end) end = tracks[i].t;
      // nearest share by another member, looking both ways in the time-sorted list
      let best = Infinity;
      for (let j = i - 1; j >= 0; j--) {
        if (tracks[j].account !== tracks[i].account) {
          best = tracks[i].t - tracks[j].t;
          break;
        }
      }
      for (let j = i + 1; j < tracks.length; j++) {
        if (tracks[j].account !== tracks[i].account) {
          best = Math.min(best, tracks[j].t - tracks[i].t);
          break;
        }
      }
      if (best < Infinity) gaps.push(best);
    }
  }
  gaps.sort((a, b) => a - b);

  return {
    shared,
    cohesion,
    sharedPerMember,
    degree: members.map((m) => degreeOf.get(m) ?? 0),
    gaps,
    posts,
    span: start <= end ? { start, end } : null,
  };
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i];
}
