import { describe, expect, it } from 'vitest';
import { buildActionIndex } from '../../../src/core/cluster/index.ts';
import { coSetLinks, log10PoissonTail } from '../../../src/core/cluster/co-set.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { post } from './helpers.ts';

const OPTS = { maxSharers: 25, minShared: 2, alpha: 0.01 };

/** 300 ordinary accounts, each reposting 10 of 400 posts at random (seeded), spread over a day. */
function crowd(): CorePost[] {
  const out: CorePost[] = [];
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 300; i++) for (let k = 0; k < 10; k++) out.push(post(`u${i}`, Math.floor(rnd() * 86400), { repost_of: `obj${Math.floor(rnd() * 400)}` }));
  return out;
}

describe('co-set links', () => {
  it('links a ring that works through the same obscure posts at different times', () => {
    const ring = ['r1', 'r2', 'r3', 'r4'];
    const posts = crowd();
    ring.forEach((a, i) => {
      for (let k = 0; k < 5; k++) posts.push(post(a, 1000 + k * 600 + i * 300, { repost_of: `secret${k}` }));
    });
    const links = coSetLinks(buildActionIndex(posts), OPTS);
    const ringLinks = links.filter((l) => ring.includes(l.a) && ring.includes(l.b));
    expect(ringLinks).toHaveLength(6);
    expect(ringLinks[0].shared).toEqual(['r:secret0', 'r:secret1', 'r:secret2', 'r:secret3', 'r:secret4']);
    // nobody in the random crowd shares enough beyond chance to be linked
    expect(links.filter((l) => l.a.startsWith('u') || l.b.startsWith('u'))).toHaveLength(0);
  });

  it('ignores objects shared by more accounts than maxSharers', () => {
    const posts: CorePost[] = [];
    for (let i = 0; i < 30; i++) for (let k = 0; k < 3; k++) posts.push(post(`v${i}`, k * 10 + i, { repost_of: `viral${k}` }));
    expect(coSetLinks(buildActionIndex(posts), OPTS)).toEqual([]);
  });

  it('computes Poisson tails stably', () => {
    expect(log10PoissonTail(0, 3)).toBe(0);
    expect(log10PoissonTail(1, 1)).toBeCloseTo(Math.log10(1 - Math.exp(-1)), 6);
    expect(log10PoissonTail(5, 1e-6)).toBeLessThan(-25);
    expect(log10PoissonTail(200, 1e-3)).toBeLessThan(-500);
    expect(log10PoissonTail(6, 2)).toBeLessThan(log10PoissonTail(5, 2));
  });
});
