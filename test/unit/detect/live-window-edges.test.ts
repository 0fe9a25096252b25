import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION } from '../../../config/detection.ts';
import { buildEdges } from '../../../src/core/edges/index.ts';
import { canonicalOrder, toCorePost } from '../../../src/core/posts.ts';
import { simulate } from '../../../src/core/simulate/index.ts';
import type { CorePost, Edge } from '../../../src/core/types.ts';
import { edgesHash, windowEdges } from '../../../src/detect/engine.ts';

// A window run's two steps after its edges: which edges are the window's (a shortcut for the
// common shapes: no margin, a margin suffix) and their fingerprint; each must give what the
// plain definition gives on any input.
const W = { start: new Date('2026-11-02T12:00:00Z'), end: new Date('2026-11-02T12:01:00Z') };

/** the plain definitions the engine used */
function referenceHash(edges: readonly Edge[], v: string): string {
  const h = createHash('sha1').update(v).update('\n');
  const rows = edges
    .map((e) => `${e.kind}\u0000${e.a}\u0000${e.b}\u0000${e.weight}\u0000${e.strength}`)
    .sort();
  for (const r of rows) h.update(r).update('\n');
  return h.digest('hex');
}
function referenceClaim(built: Edge[], posts: readonly CorePost[]): Edge[] {
  const t = new Map(posts.map((p) => [p.key, p.t]));
  const s = W.start.getTime() / 1000;
  const e = W.end.getTime() / 1000;
  return built.filter((x) =>
    x.evidence.some((ev) => {
      const first = Math.min(t.get(ev.a_post) ?? Infinity, t.get(ev.b_post) ?? Infinity);
      return first >= s && first < e;
    }),
  );
}

function windowPosts(from: number, seconds: number): CorePost[] {
  const sim = simulate({
    seed: 3,
    days: 1,
    organicAccounts: 200,
    posts: 2500,
    campaigns: 3,
    campaignSize: 6,
    wavesPerDay: 48,
  });
  const out: CorePost[] = [];
  for (const p of sim.posts()) {
    const ms = W.start.getTime() + from * 1000 + Math.floor((out.length / 2500) * seconds) * 1000;
    out.push(toCorePost({ ...p, posted_at: new Date(ms).toISOString() }));
    if (out.length === 2500) break;
  }
  return out.sort(canonicalOrder);
}

describe('a window run’s claim and fingerprint of its edges', () => {
  it('claims the edges the plain definition claims (no margin, a margin, posts before the window)', () => {
    let dropped = 0;
    for (const [from, seconds] of [
      [0, 59],
      [0, 119],
      [30, 89],
      [-30, 100],
    ] as const) {
      const posts = windowPosts(from, seconds);
      const built = buildEdges(posts, DEFAULT_DETECTION.edges);
      expect(built.length).toBeGreaterThan(0);
      const claimed = windowEdges(built, posts, W);
      expect(claimed).toEqual(referenceClaim(built, posts));
      dropped += built.length - claimed.length;
    }
    expect(dropped).toBeGreaterThan(0);
  });

  it('fingerprints as the plain sort of every row does, in any order and with awkward ids', () => {
    const posts = windowPosts(0, 119);
    const built = buildEdges(posts, DEFAULT_DETECTION.edges);
    const shuffled = [...built].sort((x, y) => (x.b + x.kind < y.b + y.kind ? -1 : 1));
    const odd: Edge[] = [
      { a: 'x\u0000b', b: 'y', kind: 'co_text', weight: 2, strength: 1, evidence: [] },
      { a: 'x', b: '\u0000y', kind: 'co_text', weight: 2, strength: 0.5, evidence: [] },
      { a: 'x', b: 'y', kind: 'co_link', weight: 3, strength: 1, evidence: [] },
      { a: 'é', b: 'z', kind: 'co_link', weight: 2, strength: 1 / 3, evidence: [] },
      { a: 'e', b: 'z', kind: 'co_link', weight: 2, strength: 1 / 3, evidence: [] },
    ];
    for (const edges of [built, shuffled, odd, [...built, ...odd], []])
      expect(edgesHash(edges, 'v1')).toBe(referenceHash(edges, 'v1'));
  });
});
