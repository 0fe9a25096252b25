import { describe, expect, it } from 'vitest';
import { bandKey, makePermutations, minhashInto } from '../../../src/core/text/minhash.ts';
import { jaccardSorted, shingleSet } from '../../../src/core/text/shingles.ts';
import { fnv1a32, fmix32 } from '../../../src/core/text/hash.ts';

function signature(words: string[], k = 128): Uint32Array {
  const sh = shingleSet(words, 1);
  const out = new Uint32Array(k);
  minhashInto(sh, 0, sh.length, makePermutations(k, 7), out, 0);
  return out;
}

describe('hashes, shingles, MinHash', () => {
  it('hashes deterministically (fixed values guard against accidental change)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).not.toBe(fmix32(2));
  });

  it('builds sorted distinct shingle sets; short texts fall back to words', () => {
    const s = shingleSet(['a', 'b', 'a', 'b'], 2);
    expect(s.length).toBe(2); // "a b", "b a"
    expect([...s]).toEqual([...s].sort((x, y) => x - y));
    expect(shingleSet(['only'], 3).length).toBe(1);
    expect(shingleSet([], 2).length).toBe(0);
  });

  it('computes exact Jaccard on sorted sets', () => {
    const a = Uint32Array.from([1, 2, 3, 4, 5]);
    const b = Uint32Array.from([2, 3, 4, 5, 6]);
    expect(jaccardSorted(a, 0, 5, b, 0, 5)).toBeCloseTo(4 / 6);
    expect(jaccardSorted(a, 0, 0, b, 0, 5)).toBe(0);
  });

  it('gives identical signatures and band keys for identical sets, whatever the word order', () => {
    const x = signature(['stop', 'the', 'steal', 'now']);
    const y = signature(['now', 'steal', 'the', 'stop']);
    expect([...x]).toEqual([...y]);
    for (let band = 0; band < 32; band++) expect(bandKey(x, 0, band, 4)).toBe(bandKey(y, 0, band, 4));
  });

  it('estimates Jaccard: the share of equal rows tracks the true similarity', () => {
    const base = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const other = [...base.slice(0, 30), ...Array.from({ length: 10 }, (_, i) => `v${i}`)]; // J = 30/50
    const a = signature(base, 256);
    const b = signature(other, 256);
    let equal = 0;
    for (let i = 0; i < 256; i++) if (a[i] === b[i]) equal++;
    expect(equal / 256).toBeGreaterThan(0.45);
    expect(equal / 256).toBeLessThan(0.75);
  });

  it('derives the same permutations from the same seed and different ones from another', () => {
    expect([...makePermutations(8, 1).a]).toEqual([...makePermutations(8, 1).a]);
    expect([...makePermutations(8, 1).a]).not.toEqual([...makePermutations(8, 2).a]);
    for (const a of makePermutations(64, 3).a) expect(a % 2).toBe(1);
  });
});
