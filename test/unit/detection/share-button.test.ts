import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION, detectionParams } from '../../../config/detection.ts';
import { analyze } from '../../../src/core/analyze.ts';
import { createRng } from '../../../src/core/null-model/index.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { accountsOf, background, byTime, DAY, HOUR, ownText, post } from './world.ts';

/**
 * Issue 9's share-button crowd: 4 ordinary panel users each post a TV station's share-button text
 * at their own moment over an hour, and each reposts the same two popular posts with a dozen other
 * people; a few posts of their own besides. Nothing here is coordinated.
 */
function crowd(): { posts: CorePost[]; four: string[] } {
  const rng = createRng('share-button');
  const posts = background('share-button-bg', 200, DAY);
  const four = ['panel1', 'panel2', 'panel3', 'panel4'];
  const t0 = 20 * HOUR;
  four.forEach((a, i) => {
    // the same words; each share gets its own t.co link
    const text = `I just told @CNN who I think is winning. Cast your vote now! #Debates #VPDebate https://t.co/sb${i}x${rng.int(1000)}`;
    posts.push(post(a, t0 + i * 900 + rng.int(300), { text, hashtags: ['Debates', 'VPDebate'], mentions: ['CNN'], urls: [`https://t.co/sb${i}`] }));
    for (let j = 0; j < 2; j++) posts.push(post(a, Math.floor(rng() * DAY), { text: ownText(rng, a, j) }));
  });
  // two popular posts, each reposted over half an hour by the four and 12 others
  for (const [v, at] of [['hot1', 19 * HOUR], ['hot2', 21 * HOUR]] as const) {
    const who = [...four, ...Array.from({ length: 12 }, (_, i) => `user${i * 7 + (v === 'hot1' ? 1 : 3)}`)];
    for (const a of who) posts.push(post(a, at + rng.int(1800), { repost_of: v, text: `RT ${v}` }));
  }
  return { posts: posts.sort(byTime), four };
}

describe('a share-button crowd', () => {
  const { posts, four } = crowd();
  const accounts = accountsOf(posts);
  const res = analyze({ posts, accounts, now: DAY }, DEFAULT_DETECTION);
  const theirs = res.clusters.filter((c) => c.members.some((m) => four.includes(m)));

  it('is recognised as a template and scores below medium', () => {
    expect(res.stats.templates).toBeGreaterThanOrEqual(1);
    for (const c of theirs) {
      expect(c.score.total, c.score.verdict).toBeLessThan(DEFAULT_DETECTION.score.severity.medium);
      expect(c.score.severity).toBe('low');
    }
    for (const a of four) expect(res.flagged).not.toContain(a);
  });

  it('is the real failure: without templates and corroboration the same crowd reached medium', () => {
    const old = detectionParams({ templates: null, score: { corroboration: { nullP: 1, rarity: 0, suspicion: 0 } } });
    const before = analyze({ posts, accounts, now: DAY }, old);
    const c = before.clusters.find((x) => four.every((m) => x.members.includes(m)));
    expect(c, 'the four form a cluster').toBeDefined();
    expect(c!.score.total).toBeGreaterThanOrEqual(DEFAULT_DETECTION.score.severity.medium);
  });

  it('says why it is held down when it does form a cluster', () => {
    const c = theirs.find((x) => four.every((m) => x.members.includes(m)));
    if (c) expect(c.score.verdict).toMatch(/template text|held below medium/);
  });
});
