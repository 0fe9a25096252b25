import { describe, expect, it } from 'vitest';
import { evidenceCeiling } from '../../../src/core/eval/index.ts';
import type { CorePost } from '../../../src/core/types.ts';

let k = 0;
function post(account: string, t: number, over: Partial<CorePost> = {}): CorePost {
  return { key: `p${k++}`, account, t, text: '', lang: 'en', urls: [], hashtags: [], mentions: [], repost_of: null, reply_to: null, media_hashes: [], ...over };
}

const POSITIVE = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
const isPositive = (a: string) => POSITIVE.has(a);

describe('evidence ceiling', () => {
  const posts: CorePost[] = [
    // a and b: the same text, eleven hours apart (no Δ applies to the ceiling)
    post('a', 0, { text: 'the election is rigged and they know it' }),
    post('b', 40_000, { text: 'The election is RIGGED, and they know it!' }),
    // c and d: one link (tracking parameters normalised away) a day apart
    post('c', 100, { text: 'look', urls: ['https://example.com/story?utm_source=x'] }),
    post('d', 86_500, { text: 'read', urls: ['https://EXAMPLE.com/story'] }),
    // e and f: near-same text (one word changed in a long post)
    post('e', 10, { text: 'they are hiding the truth about the ballots in georgia and nobody is asking why at all' }),
    post('f', 90_000, { text: 'they are hiding the truth about the ballots in georgia and nobody is asking why at all today' }),
    // g and h: reply to the same post
    post('g', 5, { text: 'so true', reply_to: 'x1' }),
    post('h', 9, { text: 'totally', reply_to: 'x1' }),
    // i: reposts what only an organic account also reposted; j acts alone
    post('i', 50, { repost_of: 'r1' }),
    post('o1', 51, { repost_of: 'r1' }),
    post('j', 60, { text: 'a post nobody else made about anything' }),
    // organic accounts sharing with each other do not count
    post('o1', 70, { text: 'the election is rigged and they know it' }),
    post('o2', 80, { text: 'the election is rigged and they know it' }),
  ];

  it('counts positives that share any object with another positive, at any gap, and nobody else', () => {
    const c = evidenceCeiling(posts, isPositive);
    expect(c.accounts).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(c.active).toBe(10);
    // a and b's identical texts are near-same too
    expect(c.byKind).toMatchObject({ text: 2, link: 2, reply: 2, near_text: 4, repost: 0 });
  });

  it('leaves near-same text out when asked (the costly part)', () => {
    const c = evidenceCeiling(posts, isPositive, { actions: { minTextTokens: 4, minHashtags: 3 }, similarity: 0.8, nearText: false });
    expect(c.accounts).toEqual(['a', 'b', 'c', 'd', 'g', 'h']);
  });

  it('an account sharing only with itself is not in the ceiling', () => {
    const c = evidenceCeiling([post('a', 0, { repost_of: 'z' }), post('a', 10, { repost_of: 'z' })], isPositive);
    expect(c.accounts).toEqual([]);
  });
});
