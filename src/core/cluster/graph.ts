import { UndirectedGraph } from 'graphology';
import type { AbstractGraph } from 'graphology-types';
import type { Edge, EdgeKind } from '../types.ts';
import type { CoSetLink } from './co-set.ts';

export interface GraphWeights {
  /** multiplier of each edge kind's rarity-weighted strength */
  kindWeights: Partial<Record<EdgeKind, number>>;
  /** multiplier of a co-set link's rarity-weighted strength */
  coSetWeight: number;
}

export interface PairAttributes {
  weight: number;
  kinds: EdgeKind[];
  coSet: boolean;
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/**
 * The weighted, undirected account graph. Kinds are combined by summing their
 * strengths (not raw weights: a co-repost of a post 2,000 accounts reposted must count
 * for little), each scaled by its kind weight. Nodes and edges are added in sorted order
 * so that community detection with a seeded rng is reproducible.
 */
export function buildAccountGraph(edges: readonly Edge[], links: readonly CoSetLink[], w: GraphWeights): AbstractGraph {
  // each pair once, its two accounts kept beside it (no splitting of the key again)
  const acc = new Map<string, { lo: string; hi: string; p: PairAttributes }>();
  const add = (a: string, b: string, weight: number, kind: EdgeKind | null) => {
    if (a === b || !(weight > 0)) return;
    const k = pairKey(a, b);
    let x = acc.get(k);
    if (!x) acc.set(k, (x = a < b ? { lo: a, hi: b, p: { weight: 0, kinds: [], coSet: false } } : { lo: b, hi: a, p: { weight: 0, kinds: [], coSet: false } }));
    const p = x.p;
    p.weight += weight;
    if (kind === null) p.coSet = true;
    else if (!p.kinds.includes(kind)) p.kinds.push(kind);
  };
  for (const e of edges) add(e.a, e.b, (w.kindWeights[e.kind] ?? 1) * e.strength, e.kind);
  for (const l of links) add(l.a, l.b, w.coSetWeight * l.strength, null);

  const graph = new UndirectedGraph({ allowSelfLoops: false });
  const keys = [...acc.keys()].sort();
  const nodes = new Set<string>();
  for (const x of acc.values()) {
    nodes.add(x.lo);
    nodes.add(x.hi);
  }
  for (const n of [...nodes].sort()) graph.addNode(n);
  for (const k of keys) {
    const { lo, hi, p } = acc.get(k)!;
    p.kinds.sort();
    graph.addEdge(lo, hi, p);
  }
  return graph;
}
