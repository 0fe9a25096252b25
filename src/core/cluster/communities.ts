import type { AbstractGraph } from 'graphology-types';
import louvainModule from 'graphology-communities-louvain';
import { createRng } from '../null-model/prng.ts';

// The package is CommonJS with ESM-style typings: at runtime the default import is the function.
const louvain = louvainModule as unknown as typeof louvainModule.default;

export interface CommunityOptions {
  /** Louvain resolution: above 1 favours smaller communities */
  resolution: number;
  /** seed of Louvain's node order: the same graph and seed give the same communities */
  seed: number;
}

/**
 * Louvain communities, with connected components as the floor: a Louvain community that
 * is not connected inside itself is split into its components, so no cluster ever joins
 * accounts that share nothing. Returned sorted (largest first, then by first member).
 */
export function detectCommunities(graph: AbstractGraph, opts: CommunityOptions): string[][] {
  if (graph.order === 0) return [];
  const mapping = louvain(graph, {
    getEdgeWeight: 'weight',
    resolution: opts.resolution,
    rng: createRng(opts.seed),
    randomWalk: false,
  });
  const groups = new Map<number, string[]>();
  graph.forEachNode((n) => {
    const c = mapping[n];
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(n);
  });
  const out: string[][] = [];
  for (const g of groups.values()) for (const part of splitConnected(graph, g)) out.push(part.sort());
  out.sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
  return out;
}

function splitConnected(graph: AbstractGraph, members: string[]): string[][] {
  const inside = new Set(members);
  const seen = new Set<string>();
  const parts: string[][] = [];
  for (const start of members) {
    if (seen.has(start)) continue;
    const part: string[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const n = stack.pop()!;
      part.push(n);
      graph.forEachNeighbor(n, (m) => {
        if (inside.has(m) && !seen.has(m)) {
          seen.add(m);
          stack.push(m);
        }
      });
    }
    parts.push(part);
  }
  return parts;
}
