import { TEXT_EDGE_KINDS } from '../edges/kinds/index.ts';
import type { ActionIndex, Share } from '../cluster/actions.ts';
import type { AccountCluster } from '../cluster/index.ts';

/**
 * What a cluster shares, measured from the action index: the objects two or more members
 * acted on, how close in time the members acted, and how much of each member's activity
 * is work shared with the members it is tied to.
 */

export interface SharedObject {
  key: string;
  /** members that acted on it */
  members: number;
  /** accounts that acted on it, in all */
  sharers: number;
  /** a template text (cluster/templates.ts): shared by unrelated accounts, no evidence of a network */
  template: boolean;
}

export interface ClusterFeatures {
  shared: SharedObject[];
  /** per member (same order as cluster.members): share of its posts that are work shared with its neighbours */
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
const TEXT_KINDS: ReadonlySet<string> = new Set(TEXT_EDGE_KINDS);

export function clusterFeatures(cluster: AccountCluster, index: ActionIndex, templates?: ReadonlySet<string>): ClusterFeatures {
  const isTemplate = (o: string) => templates?.has(o) ?? false;
  const members = cluster.members;
  const memberCount = new Map<string, number>();
  for (const m of members) for (const o of index.objectsOfAccount.get(m) ?? []) memberCount.set(o, (memberCount.get(o) ?? 0) + 1);

  const shared: SharedObject[] = [];
  const sharedKeys = new Set<string>();
  for (const [key, count] of memberCount) {
    if (count < 2) continue;
    shared.push({ key, members: count, sharers: index.objects.get(key)?.sharers ?? count, template: isTemplate(key) });
    sharedKeys.add(key);
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

  // a member's neighbours: the members it is tied to by an edge or a co-set link
  const neighbours = new Map<string, Set<string>>(members.map((m) => [m, new Set<string>()]));
  const tie = (a: string, b: string) => {
    neighbours.get(a)?.add(b);
    neighbours.get(b)?.add(a);
  };
  for (const e of cluster.edges) tie(e.a, e.b);
  for (const l of cluster.links) tie(l.a, l.b);

  // Cohesion is local: the share of a member's posts that act on objects its own
  // neighbours acted on, each weighted by the share of the object's other sharers that
  // are those neighbours. A ring's members share with each other; someone in a crowd of
  // 250 reposting a viral post shares it with strangers, however large the cluster.
  const accountsOn = sharerSets(index);
  let posts = 0;
  const cohesion: number[] = [];
  const sharedPerMember: number[] = [];
  for (const m of members) {
    const ps = index.postsByAccount.get(m) ?? [];
    const mine = neighbours.get(m)!;
    posts += ps.length;
    let sum = 0;
    let k = 0;
    for (const o of index.objectsOfAccount.get(m) ?? []) if (sharedKeys.has(o)) k++;
    const os = index.postObjects.get(m) ?? [];
    for (let n = 0; n < ps.length; n++) {
      const p = ps[n];
      // a template's posts are each account's own doing, however alike: not shared work
      const templated = templates !== undefined && templates.size > 0 && os[n].some(isTemplate);
      let best = similarPosts.has(p.key) && !templated ? 1 : 0;
      for (const o of os[n]) {
        if (best >= 1 || !sharedKeys.has(o) || isTemplate(o)) continue;
        const who = accountsOn(o);
        let near = 0;
        if (who.size <= mine.size) {
          for (const x of who) if (x !== m && mine.has(x)) near++;
        } else {
          for (const x of mine) if (who.has(x)) near++;
        }
        if (who.size > 1) best = Math.max(best, near / (who.size - 1));
      }
      sum += best;
    }
    cohesion.push(ps.length ? sum / ps.length : 0);
    sharedPerMember.push(k);
  }

  const degree = members.map((m) => neighbours.get(m)!.size);

  const gaps: number[] = [];
  let start = Infinity;
  let end = -Infinity;
  // the members' shares of each shared object, time-sorted as in the index, gathered from
  // the members' own posts rather than by filtering a viral object's thousands of shares
  const tracksOf = new Map<string, Share[]>();
  for (const m of members) {
    const ps = index.postsByAccount.get(m) ?? [];
    const os = index.postObjects.get(m) ?? [];
    for (let n = 0; n < ps.length; n++) {
      const p = ps[n];
      for (const o of os[n]) {
        if (!sharedKeys.has(o)) continue;
        let xs = tracksOf.get(o);
        if (!xs) tracksOf.set(o, (xs = []));
        xs.push({ account: m, t: p.t, post: p.key, ref: p });
      }
    }
  }
  for (const s of shared) {
    const tracks = tracksOf.get(s.key)!.sort(byShareTime);
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
    degree,
    gaps,
    posts,
    span: start <= end ? { start, end } : null,
  };
}

const byShareTime = (a: Share, b: Share) => a.t - b.t || (a.post < b.post ? -1 : a.post > b.post ? 1 : 0);

// The accounts on each object, built once per index and shared by all its clusters: a viral
// object's sharers would otherwise be collected again for every cluster that touches it.
const sharerCache = new WeakMap<ActionIndex, Map<string, Set<string>>>();

function sharerSets(index: ActionIndex): (o: string) => Set<string> {
  let cache = sharerCache.get(index);
  if (!cache) sharerCache.set(index, (cache = new Map()));
  const c = cache;
  return (o) => {
    let s = c.get(o);
    if (!s) c.set(o, (s = new Set(index.objects.get(o)?.shares.map((x) => x.account) ?? [])));
    return s;
  };
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i];
}
