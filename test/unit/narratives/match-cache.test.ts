import { describe, expect, it } from 'vitest';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';
import {
  compileNarratives,
  matchCacheSizes,
  matchNarratives,
} from '../../../src/core/narratives/index.ts';

// A live worker matches texts for weeks with one compiled set: the per-word and per-stem caches
// behind matchNarratives must stay bounded, and a text must match the same after they are
// emptied.
describe('matchNarratives caches', () => {
  it('stay bounded over a stream of never-repeating words, with the same matches after a reset', () => {
    const lexicons = loadNarrativeLexicons();
    const compiled = compileNarratives(lexicons);
    const probe = lexicons[0]!.examples[0]!;
    const before = matchNarratives(probe, compiled);
    expect(before.length).toBeGreaterThan(0);
    let n = 0;
    let peakWords = 0;
    let peakStems = 0;
    for (let t = 0; t < 1_400; t++) {
      const words: string[] = [];
      for (let i = 0; i < 200; i++) words.push(`zq${(n++).toString(36)}x`);
      matchNarratives(words.join(' '), compiled);
      const s = matchCacheSizes(compiled);
      peakWords = Math.max(peakWords, s.words);
      peakStems = Math.max(peakStems, s.stems);
    }
    // 280,000 distinct words went through; the caches are emptied between texts at 200,000
    expect(n).toBe(280_000);
    expect(peakWords).toBeLessThanOrEqual(200_000 + 200);
    expect(peakStems).toBeLessThanOrEqual(200_000 + 200);
    expect(matchCacheSizes(compiled).words).toBeLessThan(100_000);
    expect(matchNarratives(probe, compiled)).toEqual(before);
  });
});
