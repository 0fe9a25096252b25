import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/core/analyze.ts';
import { simulate } from '../../../src/core/simulate/index.ts';
import { DEFAULT_DETECTION } from '../../../config/detection.ts';
import type { CanonicalAccount, CorePost } from '../../../src/core/types.ts';

/** The bar on simulated data with default settings: recall ≥ 0.9 at FPR ≤ 1 %, viral bursts included. */
describe('detection quality on a seeded simulation', () => {
  for (const seed of [1, 2]) {
    it(`seed ${seed}: recall ≥ 0.9 with ≤ 1 % of organic accounts flagged`, () => {
      const sim = simulate({ seed, organicAccounts: 800, days: 1, viralBurstSize: 150, campaignSize: 6 });
      const posts: CorePost[] = [];
      const accounts = new Map<string, CanonicalAccount>();
      for (const p of sim.posts()) {
        accounts.set(p.account.id, p.account);
        posts.push({ key: p.post_id, account: p.account.id, t: Date.parse(p.posted_at) / 1000, text: p.text, lang: p.lang, urls: p.urls, hashtags: p.hashtags, mentions: p.mentions, repost_of: p.repost_of, reply_to: p.reply_to, media_hashes: p.media_hashes });
      }
      const res = analyze({ posts, accounts, now: posts[posts.length - 1].t }, DEFAULT_DETECTION);
      const flagged = new Set(res.flagged);
      const planted = sim.labels.filter((l) => l.label === 'campaign');
      const organic = sim.labels.filter((l) => l.label === 'organic');
      const recall = planted.filter((l) => flagged.has(l.account_id)).length / planted.length;
      const fpr = organic.filter((l) => flagged.has(l.account_id)).length / organic.length;
      expect(recall).toBeGreaterThanOrEqual(0.9);
      expect(fpr).toBeLessThanOrEqual(0.01);
    });
  }
});
