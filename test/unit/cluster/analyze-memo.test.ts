import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION } from '../../../config/detection.ts';
import { analyze, analyzeEdges } from '../../../src/core/analyze.ts';
import type { AnalyzeMemo } from '../../../src/core/analyze.ts';
import { compileNarratives } from '../../../src/core/narratives/index.ts';
import { simulate } from '../../../src/core/simulate/index.ts';
import type { CanonicalAccount, CorePost } from '../../../src/core/types.ts';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';

/**
 * A live window is analysed again and again as posts land; the streaming engine keeps text
 * keys and narrative matches between the runs. The caches must change no result, whether
 * they start empty or hold the texts of an earlier, different run.
 */
describe('analysis caches kept across runs', () => {
  const sim = simulate({ seed: 3, organicAccounts: 300, days: 1, campaignSize: 6 });
  const posts: CorePost[] = [];
  const accounts = new Map<string, CanonicalAccount>();
  for (const p of sim.posts()) {
    accounts.set(p.account.id, p.account);
    posts.push({ key: p.post_id, account: p.account.id, t: Date.parse(p.posted_at) / 1000, text: p.text, lang: p.lang, urls: p.urls, hashtags: p.hashtags, mentions: p.mentions, repost_of: p.repost_of, reply_to: p.reply_to, media_hashes: p.media_hashes });
  }
  const narratives = compileNarratives(loadNarrativeLexicons());
  const now = posts[posts.length - 1].t;

  it('analyze and analyzeEdges give the same result with and without the caches', () => {
    const memo: AnalyzeMemo = { textKeys: new Map(), narratives: new Map() };
    const early = posts.slice(0, Math.floor(posts.length * 0.6));
    // an earlier run over part of the posts fills the caches
    analyze({ posts: early, accounts, narratives, now }, DEFAULT_DETECTION);
    analyze({ posts: early, accounts, narratives, now, memo }, DEFAULT_DETECTION);
    expect(memo.textKeys!.size).toBeGreaterThan(0);
    const plain = analyze({ posts, accounts, narratives, now }, DEFAULT_DETECTION);
    const cached = analyze({ posts, accounts, narratives, now, memo }, DEFAULT_DETECTION);
    expect(plain.clusters.length).toBeGreaterThan(0);
    expect(cached).toEqual(plain);
    const fromEdges = analyzeEdges({ posts, accounts, narratives, now, memo }, plain.edges, DEFAULT_DETECTION);
    expect(fromEdges.clusters).toEqual(analyzeEdges({ posts, accounts, narratives, now }, plain.edges, DEFAULT_DETECTION).clusters);
  });
});
