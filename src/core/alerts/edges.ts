import type { Edge } from '../types.ts';

/** One coordination edge inside a cluster, as an alert keeps it (plain data, structured-clonable). */
export interface ClusterEdge {
  a: string;
  b: string;
  kind: string;
  weight: number;
  strength: number;
  /** post keys of the first co-actions behind it */
  posts: string[];
}

/** Edges kept per cluster (strongest first); a 2,000-edge picture is already past reading. */
export const CLUSTER_EDGE_CAP = 2000;
const POSTS_PER_EDGE = 6;

/**
 * The edges of each cluster: every edge whose two accounts are both members, strongest first,
 * capped. Linear in the edges (each is looked up by its first account's clusters).
 */
export function edgesOfClusters(clusters: readonly { id: string; members: readonly string[] }[], edges: readonly Edge[], cap = CLUSTER_EDGE_CAP): Record<string, ClusterEdge[]> {
  const clustersOf = new Map<string, Set<string>>();
  for (const c of clusters) {
    for (const m of c.members) {
      let s = clustersOf.get(m);
      if (!s) clustersOf.set(m, (s = new Set()));
      s.add(c.id);
    }
  }
  const out: Record<string, ClusterEdge[]> = {};
  for (const c of clusters) out[c.id] = [];
  for (const e of edges) {
    const ca = clustersOf.get(e.a);
    const cb = clustersOf.get(e.b);
    if (!ca || !cb) continue;
    for (const id of ca) {
      if (!cb.has(id)) continue;
      const posts: string[] = [];
      for (const ev of e.evidence) {
        if (posts.length >= POSTS_PER_EDGE) break;
        posts.push(ev.a_post, ev.b_post);
      }
      const [a, b] = e.a < e.b ? [e.a, e.b] : [e.b, e.a];
      out[id]!.push({ a, b, kind: e.kind, weight: e.weight, strength: e.strength, posts: [...new Set(posts)].slice(0, POSTS_PER_EDGE) });
    }
  }
  for (const id of Object.keys(out)) {
    const xs = out[id]!;
    xs.sort((x, y) => y.strength - x.strength || y.weight - x.weight || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : x.kind < y.kind ? -1 : 1));
    if (xs.length > cap) xs.length = cap;
  }
  return out;
}
