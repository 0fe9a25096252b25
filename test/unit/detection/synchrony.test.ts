import { describe, expect, it } from 'vitest';
import { buildEdges, DEFAULT_SYNCHRONY, EdgeOptionsError, synchronyEdges } from '../../../src/core/edges/index.ts';
import { createRng } from '../../../src/core/null-model/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { byTime, DAY, HOUR, post } from './world.ts';

const DAYS = 14;

/**
 * Accounts over two weeks. Every account has an evening habit (a few posts between 18:00 and
 * 23:00 UTC on a random half of the days). `switched` accounts are also run by one operator who,
 * on 8 random days, switches them all on for a random 3-hour block and posts from each.
 */
function world(opts: { switched: number; ordinary: number }): { posts: CorePost[]; switched: string[] } {
  const rng = createRng(`sync-${opts.switched}-${opts.ordinary}`);
  const posts: CorePost[] = [];
  const switched = Array.from({ length: opts.switched }, (_, i) => `op${i}`);
  const all = [...switched, ...Array.from({ length: opts.ordinary }, (_, i) => `user${i}`)];
  for (const a of all) {
    for (let d = 0; d < DAYS; d++) {
      if (rng() < 0.5) continue;
      for (let k = 0; k < 3; k++) posts.push(post(a, d * DAY + 18 * HOUR + rng.int(5 * HOUR), { text: `${a} evening ${d} ${k}` }));
    }
  }
  const days = new Set<number>();
  while (days.size < 8) days.add(rng.int(DAYS));
  for (const d of days) {
    const start = d * DAY + rng.int(14) * HOUR;
    for (const a of switched) for (let k = 0; k < 8; k++) posts.push(post(a, start + rng.int(3 * HOUR), { text: `${a} shift ${d} ${k}` }));
  }
  return { posts: posts.sort(byTime), switched };
}

describe('C6 synchrony', () => {
  it('links accounts switched on together on the same days, and no one else', () => {
    const { posts, switched } = world({ switched: 4, ordinary: 40 });
    const edges = synchronyEdges(posts);
    const inside = edges.filter((e) => switched.includes(e.a) && switched.includes(e.b));
    expect(inside).toHaveLength(6);
    expect(edges.filter((e) => !(switched.includes(e.a) && switched.includes(e.b)))).toHaveLength(0);
    for (const e of inside) {
      expect(e.kind).toBe('synchrony');
      expect(e.weight).toBeGreaterThanOrEqual(DEFAULT_SYNCHRONY.minBins);
      expect(e.evidence.length).toBeGreaterThan(0);
      expect(e.evidence[0].object).toMatch(/^bin \d{4}-\d\d-\d\dT\d\d:\d\dZ \(30 min\)$/);
    }
  });

  it('does not link accounts that merely keep the same hours (the shuffled-days null keeps rhythm)', () => {
    const { posts } = world({ switched: 0, ordinary: 40 });
    expect(synchronyEdges(posts)).toHaveLength(0);
  });

  it('needs several days: one day of lock-step is not synchrony across days', () => {
    const posts: CorePost[] = [];
    for (const a of ['x', 'y']) for (let k = 0; k < 20; k++) posts.push(post(a, k * 1800 + 60, { text: `${a} ${k}` }));
    expect(synchronyEdges(posts)).toHaveLength(0);
  });

  it('is deterministic for a seed', () => {
    const { posts } = world({ switched: 4, ordinary: 20 });
    expect(synchronyEdges(posts)).toEqual(synchronyEdges([...posts].reverse()));
  });

  it('is a batch kind: buildEdges refuses it', () => {
    expect(() => buildEdges([], { kinds: ['synchrony' as never] })).toThrow(EdgeOptionsError);
  });
});
