import type { AbstractGraph } from 'graphology-types';
import type { Edge } from '../types.ts';
import { hashSeed } from '../null-model/prng.ts';
import type { ActionIndex } from './actions.ts';
import { coSetLinks, type CoSetLink, type CoSetOptions } from './co-set.ts';
import { detectCommunities } from './communities.ts';
import { exclusivePairs, type PairOptions } from './pairs.ts';
import { buildAccountGraph, pairKey, type GraphWeights, type PairAttributes } from './graph.ts';

export {
  buildActionIndex,
  dedupePosts,
  memoTextKey,
  objectsOf,
  textKey,
  DEFAULT_ACTION_OPTIONS,
} from './actions.ts';
export type { ActionIndex, ActionOptions, ObjectActions, Share } from './actions.ts';
export type { CoSetLink, CoSetOptions } from './co-set.ts';
export type { PairOptions } from './pairs.ts';
export {
  DEFAULT_TEMPLATES,
  templateObjects,
  textSkeleton,
  type TemplateOptions,
} from './templates.ts';
export type { GraphWeights } from './graph.ts';

export interface ClusterOptions {
  /** clusters smaller than this are dropped (a pair is not a network) */
  minSize: number;
  resolution: number;
  seed: number;
  weights: GraphWeights;
  coSet: CoSetOptions & { enabled: boolean };
  /** clusters of two kept when the pair's exclusive evidence is strong (pairs.ts); off when absent */
  pairs?: PairOptions;
}

export interface AccountCluster {
  /** stable for the same members: `c` + hash of the sorted member ids */
  id: string;
  /** sorted */
  members: string[];
  /** the co-action edges among members, all kinds */
  edges: Edge[];
  /** the co-set links among members */
  links: CoSetLink[];
  /** member pairs joined by an edge or link */
  pairs: number;
  /** pairs / possible pairs */
  density: number;
  /** sum of the combined pair weights inside */
  weight: number;
  /** clusters of two: objects only the two of them acted on */
  exclusive?: number;
}

export interface ClusterResult {
  clusters: AccountCluster[];
  links: CoSetLink[];
  graph: AbstractGraph;
}

export function clusterId(members: readonly string[]): string {
  const a = hashSeed(members.join('\u0001')).toString(16).padStart(8, '0');
  const b = hashSeed(`${members.length}:${members.join('\u0002')}`)
    .toString(16)
    .padStart(8, '0');
  return `c${a}${b}`;
}

/**
 * The co-set links findClusters pairs accounts by: they depend on the action index alone, not
 * on the edges, so a caller may compute them while the edges are still being built and hand
 * them to findClusters (`precomputed`) for the same result.
 */
export function clusterLinks(
  index: ActionIndex | null,
  opts: ClusterOptions,
  skip?: ReadonlySet<string>,
): CoSetLink[] {
  return opts.coSet.enabled && index ? coSetLinks(index, opts.coSet, skip) : [];
}

/**
 * Communities of the account graph (edges and co-set links), at least minSize accounts each, and
 * clusters of two whose exclusive evidence is strong (pairs.ts). `skip`: objects that are no
 * evidence of a network (templates), left out of co-set links and exclusive pairs.
 */
export function findClusters(
  edges: readonly Edge[],
  index: ActionIndex | null,
  opts: ClusterOptions,
  skip?: ReadonlySet<string>,
  precomputed?: readonly CoSetLink[],
): ClusterResult {
  const links = precomputed ? [...precomputed] : clusterLinks(index, opts, skip);
  const graph = buildAccountGraph(edges, links, opts.weights);
  const all = detectCommunities(graph, { resolution: opts.resolution, seed: opts.seed });
  const pairs =
    opts.pairs?.enabled && index && all.some((g) => g.length === 2)
      ? exclusivePairs(index, opts.pairs, skip)
      : null;
  const groups = all.filter(
    (g) =>
      g.length >= opts.minSize || (g.length === 2 && pairs !== null && pairs.strong(g[0], g[1])),
  );

  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((m) => groupOf.set(m, i)));
  const edgesOf = groups.map(() => [] as Edge[]);
  const linksOf = groups.map(() => [] as CoSetLink[]);
  for (const e of edges) {
    const g = groupOf.get(e.a);
    if (g !== undefined && groupOf.get(e.b) === g) edgesOf[g].push(e);
  }
  for (const l of links) {
    const g = groupOf.get(l.a);
    if (g !== undefined && groupOf.get(l.b) === g) linksOf[g].push(l);
  }

  const exclusive = pairs;
  const clusters = groups.map((members, i): AccountCluster => {
    const inside = new Set(members);
    let pairs = 0;
    let weight = 0;
    const seen = new Set<string>();
    for (const m of members) {
      graph.forEachNeighbor(m, (n, attrs) => {
        if (!inside.has(n)) return;
        const k = pairKey(m, n);
        if (seen.has(k)) return;
        seen.add(k);
        pairs++;
        weight += (attrs as PairAttributes).weight;
      });
    }
    const possible = (members.length * (members.length - 1)) / 2;
    return {
      id: clusterId(members),
      members,
      edges: edgesOf[i],
      links: linksOf[i],
      pairs,
      density: possible ? pairs / possible : 0,
      weight,
      ...(members.length === 2 && exclusive
        ? { exclusive: exclusive.count(members[0], members[1]) }
        : {}),
    };
  });
  return { clusters, links, graph };
}
