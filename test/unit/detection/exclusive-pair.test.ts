import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION, detectionParams } from '../../../config/detection.ts';
import { analyze } from '../../../src/core/analyze.ts';
import { createRng } from '../../../src/core/null-model/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { accountsOf, background, byTime, DAY, ownText, post } from './world.ts';

/**
 * Issue 9's missed pair: two accounts that reposted the same 8 posts no one else reposted, each
 * time within half a minute of each other, among 200 ordinary accounts; each also posts its own.
 */
function world(objects = 8): { posts: CorePost[]; pair: string[] } {
  const rng = createRng(`pair-${objects}`);
  const posts = background('pair-bg', 200, DAY);
  const pair = ['amplifierA', 'amplifierB'];
  for (let k = 0; k < objects; k++) {
    const t0 = Math.floor(rng() * (DAY - 600));
    posts.push(post(pair[0], t0, { repost_of: `obscure${k}`, text: `RT obscure ${k}` }));
    posts.push(post(pair[1], t0 + 2 + rng.int(28), { repost_of: `obscure${k}`, text: `RT obscure ${k}` }));
  }
  for (const a of pair) for (let j = 0; j < 3; j++) posts.push(post(a, Math.floor(rng() * DAY), { text: ownText(rng, a, j) }));
  return { posts: posts.sort(byTime), pair };
}

describe('an exclusive pair', () => {
  it('forms a cluster of two that alerts, and the explanation says it is a pair', () => {
    const { posts, pair } = world();
    const res = analyze({ posts, accounts: accountsOf(posts), now: DAY }, DEFAULT_DETECTION);
    const c = res.clusters.find((x) => x.members.join() === pair.join());
    expect(c, 'a cluster of exactly the pair').toBeDefined();
    expect(c!.size).toBe(2);
    expect(c!.score.total).toBeGreaterThanOrEqual(DEFAULT_DETECTION.flagThreshold);
    expect(c!.score.verdict).toMatch(/^a pair: 2 accounts sharing 8 objects no one else shared/);
    expect(res.flagged).toEqual(pair);
    // the pair's density is no evidence (two linked accounts are dense by construction)
    expect(c!.score.parts.find((p) => p.name === 'density')!.value).toBe(0);
  });

  it('is dropped as before when pairs are switched off, and ordinary pairs never form one', () => {
    const { posts, pair } = world();
    const off = analyze({ posts, accounts: accountsOf(posts), now: DAY }, detectionParams({ cluster: { pairs: { enabled: false, minExclusive: 3, alpha: 0.01 } } }));
    expect(off.clusters.some((c) => c.members.join() === pair.join())).toBe(false);
    const on = analyze({ posts, accounts: accountsOf(posts), now: DAY }, DEFAULT_DETECTION);
    for (const c of on.clusters.filter((x) => x.size === 2)) expect(c.members).toEqual(pair);
  });

  it('needs repetition: two exclusive objects are not enough for a pair', () => {
    const { posts, pair } = world(2);
    const res = analyze({ posts, accounts: accountsOf(posts), now: DAY }, DEFAULT_DETECTION);
    expect(res.clusters.some((c) => c.members.join() === pair.join())).toBe(false);
  });
});
