import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION, detectionParams } from '../../../config/detection.ts';
import { analyze } from '../../../src/core/analyze.ts';
import { buildEdges } from '../../../src/core/edges/index.ts';
import { createRng } from '../../../src/core/null-model/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { accountsOf, background, byTime, DAY, ownText, post } from './world.ts';

const WEEK = 7 * DAY;

/**
 * A slow ring (the state IO archive's shape): 5 accounts push 12 links of their own over a week,
 * one or two a day; each member posts a link 2–20 minutes after the previous one, never within a
 * minute of another member. 150 ordinary accounts post their own things and links beside them.
 */
function world(): { posts: CorePost[]; ring: string[] } {
  const rng = createRng('slow-ring');
  const posts = background('slow-ring-bg', 150, WEEK, { perAccount: 10 });
  for (let i = 0; i < 150; i++) if (rng() < 0.5) posts.push(post(`user${i}`, Math.floor(rng() * WEEK), { text: `look at this ${i}`, urls: [`https://blog${i}.example/post`] }));
  const ring = ['slow1', 'slow2', 'slow3', 'slow4', 'slow5'];
  for (let k = 0; k < 12; k++) {
    let t = Math.floor(k * (WEEK / 12) + rng() * 3600);
    for (const a of ring) {
      posts.push(post(a, t, { text: `Read what they do not want you to read about the vote, part ${k}`, urls: [`https://news-site.example/story-${k}`] }));
      t += 120 + rng.int(1080);
    }
  }
  for (const a of ring) for (let j = 0; j < 6; j++) posts.push(post(a, Math.floor(rng() * WEEK), { text: ownText(rng, a, j) }));
  return { posts: posts.sort(byTime), ring };
}

describe('a slow ring across days', () => {
  const { posts, ring } = world();
  const ringPair = (e: { a: string; b: string }) => ring.includes(e.a) && ring.includes(e.b);

  it('has no co-link edge within Δ = 60 s: the fixed window misses it', () => {
    const edges = buildEdges(posts, { ...DEFAULT_DETECTION.edges, significance: null, kinds: ['co_link'] });
    expect(edges.filter(ringPair)).toHaveLength(0);
  });

  it('is linked by co-actions beyond Δ weighted by significance, and ordinary accounts are not', () => {
    const edges = buildEdges(posts, { ...DEFAULT_DETECTION.edges, kinds: ['co_link'] });
    const ringEdges = edges.filter(ringPair);
    // neighbours in the posting order are ≤ 20 min apart: at least the 4 chain pairs, each weight ≥ 2
    expect(ringEdges.length).toBeGreaterThanOrEqual(4);
    for (const e of ringEdges) {
      expect(e.weight).toBeGreaterThanOrEqual(2);
      expect(e.strength).toBeLessThan(e.weight); // beyond-Δ co-actions weigh less than one at Δ
      for (const ev of e.evidence) expect(ev.dt).toBeGreaterThan(60);
    }
    expect(edges.filter((e) => !ringPair(e))).toHaveLength(0);
  });

  it('is found as a cluster and flagged, with significance on (the default)', () => {
    const res = analyze({ posts, accounts: accountsOf(posts), now: WEEK }, DEFAULT_DETECTION);
    const c = res.clusters.find((x) => ring.every((m) => x.members.includes(m)));
    expect(c).toBeDefined();
    expect(c!.members).toEqual(ring);
    expect(res.flagged).toEqual(ring);
  });

  it('keeps gaps beyond the horizon out', () => {
    const edges = buildEdges(posts, { ...DEFAULT_DETECTION.edges, kinds: ['co_link'], significance: { horizon: 60 } });
    expect(edges.filter(ringPair)).toHaveLength(0);
    const p = detectionParams({ edges: { significance: { horizon: 600, maxSharers: 25, alpha: 0.05 } } });
    for (const e of buildEdges(posts, { ...p.edges, kinds: ['co_link'] })) for (const ev of e.evidence) expect(ev.dt).toBeLessThanOrEqual(600);
  });
});
