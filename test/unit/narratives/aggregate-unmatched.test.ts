import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';
import {
  compileNarratives,
  matchNarratives,
  narrativesForPosts,
} from '../../../src/core/narratives/index.ts';

const compiled = compileNarratives(loadNarrativeLexicons());
const texts = [
  'the election was rigged, millions of illegal ballots',
  'stolen election, stop the steal',
  'nice weather today',
  'deep state civil war is coming',
  '',
  '🙂 \u200b',
  'tiktok ban now',
  'lunch',
];

describe('narrativesForPosts with unmatched posts counted, not listed', () => {
  it('equals listing the non-matching posts with an empty text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...texts), fc.boolean()), { maxLength: 60 }),
        (rows) => {
          const posts = rows.map(([text], i) => ({ text, key: `k${i}` }));
          const blanked = posts.map((p) =>
            matchNarratives(p.text, compiled).length ? p : { text: '', key: p.key },
          );
          const matched = posts.filter((p) => matchNarratives(p.text, compiled).length);
          const want = narrativesForPosts(blanked, compiled);
          expect(
            narrativesForPosts(matched, compiled, undefined, posts.length - matched.length),
          ).toEqual(want);
          const memo = new Map(posts.map((p) => [p.text, matchNarratives(p.text, compiled)]));
          expect(
            narrativesForPosts(matched, compiled, memo, posts.length - matched.length),
          ).toEqual(want);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('ignores a junk unmatched count', () => {
    const posts = [{ text: texts[0], key: 'a' }];
    const want = narrativesForPosts(posts, compiled);
    expect(want.length).toBeGreaterThan(0);
    for (const x of [-3, NaN, 1.5, Infinity, '2', null] as never[])
      expect(narrativesForPosts(posts, compiled, undefined, x)).toEqual(want);
    expect(narrativesForPosts(posts, compiled, undefined, 3)[0].share).toBe(0.25);
  });
});
