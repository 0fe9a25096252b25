import { describe, expect, it } from 'vitest';
import { dedupePosts } from '../../../src/core/cluster/actions.ts';
import { canonicalOrder } from '../../../src/core/posts.ts';
import type { CorePost } from '../../../src/core/types.ts';
import { textKey } from '../../../src/core/text/text-key.ts';

/** The general rule, written out as the documentation states it: first capture of (account, second, body) wins. */
function reference(posts: readonly CorePost[]): CorePost[] {
  const seen = new Set<string>();
  const out: CorePost[] = [];
  for (const p of posts) {
    const body = textKey(p.text).slice(0, 40) || p.repost_of || p.key;
    const k = `${p.account}\u0000${p.t}\u0000${body}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

function post(i: number, account: string, t: number, text: string, repost_of: string | null = null): CorePost {
  return { key: `x:${i}`, account, t, text, lang: null, urls: [], hashtags: [], mentions: [], media_hashes: [], repost_of, reply_to: null };
}

/** Posts crowded into few seconds and accounts, with repeated captures (same text, same repost) and near ones. */
function crowd(seed: number, n: number): CorePost[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const texts = ['vote early tomorrow folks', 'Vote early, tomorrow folks!', 'polls open at seven am', '', 'rt'];
  return Array.from({ length: n }, (_, i) => {
    const t = 1_700_000_000 + Math.floor(rnd() * 20) + (rnd() < 0.1 ? 0.5 : 0);
    return post(i, `tw:${Math.floor(rnd() * 12)}`, t, texts[Math.floor(rnd() * texts.length)]!, rnd() < 0.3 ? `tw:r${Math.floor(rnd() * 3)}` : null);
  });
}

describe('dedupePosts', () => {
  it('keeps the same posts in the same order on time-sorted input (the per-second path) as the general rule', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sorted = crowd(seed, 3000).sort(canonicalOrder);
      const got = dedupePosts(sorted);
      expect(got.length).toBeLessThan(sorted.length);
      expect(got.map((p) => p.key)).toEqual(reference(sorted).map((p) => p.key));
    }
  });

  it('keeps the general rule on unsorted input', () => {
    const posts = crowd(9, 2000);
    expect(dedupePosts(posts).map((p) => p.key)).toEqual(reference(posts).map((p) => p.key));
  });

  it('dedupes posts whose time is not a number like the general rule does', () => {
    const posts = [post(1, 'tw:a', NaN, 'same text here now'), post(2, 'tw:a', NaN, 'same text here now'), post(3, 'tw:b', NaN, 'same text here now')];
    expect(dedupePosts(posts).map((p) => p.key)).toEqual(['x:1', 'x:3']);
  });
});
