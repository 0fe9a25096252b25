import { describe, expect, it } from 'vitest';
import { findClusters, clusterId } from '../../../src/core/cluster/index.ts';
import type { ClusterOptions } from '../../../src/core/cluster/index.ts';
import { DEFAULT_DETECTION } from '../../../config/detection.ts';
import { clique, edge } from './helpers.ts';

const OPTS: ClusterOptions = { ...DEFAULT_DETECTION.cluster, coSet: { ...DEFAULT_DETECTION.cluster.coSet, enabled: false } };

describe('clusters', () => {
  it('separates two rings joined by one weak edge and drops pairs', () => {
    const a = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const b = ['b1', 'b2', 'b3', 'b4'];
    const edges = [...clique(a, 2), ...clique(b, 2), edge('a1', 'b1', 0.05), edge('x1', 'x2', 5)];
    const { clusters } = findClusters(edges, null, OPTS);
    expect(clusters.map((c) => c.members)).toEqual([a, b]);
    expect(clusters[0].density).toBe(1);
    expect(clusters[0].edges).toHaveLength(10);
  });

  it('never joins accounts that share nothing (components are the floor)', () => {
    const { clusters } = findClusters([...clique(['a', 'b', 'c'], 0.01), ...clique(['d', 'e', 'f'], 0.01)], null, OPTS);
    for (const c of clusters) expect(c.members.every((m) => 'abc'.includes(m)) || c.members.every((m) => 'def'.includes(m))).toBe(true);
  });

  it('weighs kinds by strength, not raw weight', () => {
    // a viral crowd: many pairs with big raw weight but tiny strength, and a ring with real strength
    const crowd = Array.from({ length: 12 }, (_, i) => `v${i}`);
    const edges = [...clique(crowd, 0.002).map((e) => ({ ...e, weight: 50 })), ...clique(['r1', 'r2', 'r3', 'v0'], 1)];
    const { clusters } = findClusters(edges, null, OPTS);
    const ring = clusters.find((c) => c.members.includes('r1'))!;
    expect(ring.members).toEqual(['r1', 'r2', 'r3', 'v0']);
  });

  it('is deterministic and gives stable ids', () => {
    const edges = [...clique(['a', 'b', 'c', 'd'], 1), ...clique(['c', 'd', 'e', 'f', 'g'], 1), edge('g', 'h', 1), edge('h', 'a', 1)];
    const one = findClusters(edges, null, OPTS).clusters;
    const two = findClusters([...edges].reverse(), null, OPTS).clusters;
    expect(one.map((c) => [c.id, c.members])).toEqual(two.map((c) => [c.id, c.members]));
    expect(clusterId(['a', 'b', 'c'])).toBe(clusterId(['a', 'b', 'c']));
    expect(clusterId(['a', 'b', 'c'])).not.toBe(clusterId(['a', 'b', 'd']));
  });

  it('respects minSize', () => {
    const edges = clique(['a', 'b', 'c'], 1);
    expect(findClusters(edges, null, { ...OPTS, minSize: 4 }).clusters).toHaveLength(0);
    expect(findClusters(edges, null, { ...OPTS, minSize: 3 }).clusters).toHaveLength(1);
  });
});
