import type { CoEvidence, Edge, EdgeKind } from '../types.ts';
import type { EvidenceLog, PairTable } from './pair-table.ts';
import type { PreparedPosts } from './prepare.ts';

export interface MaterialiseParams {
  kind: EdgeKind;
  minWeight: number;
  compat: boolean;
  /** text of the shared object behind one evidence record */
  label: (obj: number, rankA: number, rankB: number) => string;
}

/**
 * Turns accumulated pairs into Edge objects (a < b by account id string), keeping those that reach
 * the minimum weight. In CNT mode an edge is kept when either direction reaches it (CNT would list
 * that row), `weight` is the larger direction and `directed` carries both; `strength` equals the
 * weight there, because CNT has no rarity weighting.
 *
 * Edges come out sorted by (a, b) so output files are stable from run to run.
 */
export function materialiseEdges(prep: PreparedPosts, table: PairTable, evidence: EvidenceLog, params: MaterialiseParams): Edge[] {
  const { accounts } = prep;
  const edgeOfSlot = new Int32Array(table.size).fill(-1);
  const edges: Edge[] = [];
  const swapped: boolean[] = [];
  for (let s = 0; s < table.size; s++) {
    const w1 = table.w1[s];
    const w2 = table.w2[s];
    const weight = params.compat ? Math.max(w1, w2) : w1;
    if (weight < params.minWeight) continue;
    const x = accounts[table.a[s]];
    const y = accounts[table.b[s]];
    const swap = y < x;
    const edge: Edge = {
      a: swap ? y : x,
      b: swap ? x : y,
      kind: params.kind,
      weight,
      strength: params.compat ? weight : table.strength[s],
      evidence: [],
    };
    if (params.compat) edge.directed = swap ? { ab: w2, ba: w1 } : { ab: w1, ba: w2 };
    edgeOfSlot[s] = edges.length;
    edges.push(edge);
    swapped.push(swap);
  }
  const d = evidence.data;
  for (let i = 0; i < evidence.size; i += 4) {
    const e = edgeOfSlot[d[i]];
    if (e === -1) continue;
    const rankA = d[i + 1];
    const rankB = d[i + 2];
    const pa = prep.posts[prep.order[rankA]];
    const pb = prep.posts[prep.order[rankB]];
    const ev: CoEvidence = {
      a_post: swapped[e] ? pb.key : pa.key,
      b_post: swapped[e] ? pa.key : pb.key,
      dt: Math.abs(prep.t[rankA] - prep.t[rankB]),
      object: params.label(d[i + 3], rankA, rankB),
    };
    edges[e].evidence.push(ev);
  }
  const order = edges.map((_, i) => i).sort((i, j) => cmp(edges[i].a, edges[j].a) || cmp(edges[i].b, edges[j].b));
  return order.map((i) => edges[i]);
}

function cmp(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
