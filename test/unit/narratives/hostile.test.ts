import { describe, expect, it } from 'vitest';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';
import {
  compileNarratives,
  matchNarratives,
  narrativesForPosts,
} from '../../../src/core/narratives/index.ts';
import { hostileString, hugeString, junk, prng } from '../signals/helpers.ts';

const compiled = compileNarratives(loadNarrativeLexicons());

describe('narrative matching on hostile text', () => {
  it('returns well-formed matches for 1,000 random hostile strings (seeded)', () => {
    const rnd = prng(77);
    for (let i = 0; i < 1000; i++) {
      const text =
        hostileString(rnd, 20) +
        (rnd() < 0.3 ? ' the election was rigged ' : '') +
        hostileString(rnd, 5);
      for (const m of matchNarratives(text, compiled)) {
        expect(Number.isFinite(m.score)).toBe(true);
        expect(m.score).toBeGreaterThanOrEqual(0);
        expect(m.score).toBeLessThanOrEqual(1);
        expect(m.similarity).toBeLessThanOrEqual(1);
      }
    }
  });

  it('still finds the narrative when zero-width and bidi characters are sprinkled into the words', () => {
    const text = 'The e\u200blection was R\u200dIGGED\u202e, millions of il\u2060legal ballots';
    expect(matchNarratives(text, compiled)[0]?.id).toBe('election-fraud');
  });

  it('handles a 100 KB post, non-strings and prototype-like words', () => {
    const big = hugeString(prng(1));
    expect(matchNarratives(big, compiled)[0]?.id).toBe('election-fraud');
    for (const x of [null, undefined, 42, {}, [], junk(prng(2))])
      expect(matchNarratives(x as never, compiled)).toEqual([]);
    expect(
      matchNarratives('constructor __proto__ toString hasOwnProperty valueOf', compiled),
    ).toEqual([]);
  });

  it('aggregates junk post lists', () => {
    expect(narrativesForPosts(null as never, compiled)).toEqual([]);
    expect(narrativesForPosts([{ text: null }, { text: 5 }, 'x', 0] as never, compiled)).toEqual(
      [],
    );
  });
});
