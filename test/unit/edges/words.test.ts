import { describe, expect, it } from 'vitest';
import { fnv1a32 } from '../../../src/core/text/hash.ts';
import { makePermutations, minhashInto } from '../../../src/core/text/minhash.ts';
import { normaliseText, wordTokens } from '../../../src/core/text/normalise.ts';
import { shingleSet } from '../../../src/core/text/shingles.ts';
import { stripNoiseSuffix } from '../../../src/core/text/suffix.ts';
import { fmix32 } from '../../../src/core/text/hash.ts';
import { newWordHashes, shinglesOfHashes, wordCount, wordHashesInto } from '../../../src/core/text/words.ts';

// The scanner (words.ts) replaces wordTokens + shingleSet on the edge builder's path: it must
// find the same words, hash them the same, and give the same shingle sets, on any text.

/** a small deterministic PRNG (mulberry32) */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// pieces that sit on every boundary the word pattern has: ASCII letters and digits, joiners
// (' ’ _ -) inside, before and after words, marks, other scripts, astral letters and emoji
// (surrogate pairs), lone surrogates, punctuation, spaces
const PIECES = [
  'a', 'Z', 'q', '7', '0', 'word', 'ab12', "'", '’', '_', '-', '--', "''", ' ', '  ', '\t', '\n', '.', ',', '!', '#', '@',
  'é', 'e\u0301', '\u0301', 'ß', 'İ', 'ﬁ', 'я', 'Ж', 'ש', 'ع', '١٢', 'ह', 'ि', '中', '文', 'の', 'カ', '한', 'ไทย',
  '𝐓', '𝟕', '😀', '👍🏽', '\u{1F1FA}\u{1F1F8}', '𐍈', '\u200d', '\u00ad', '\ufe0f', '\ud800', '\udc00', '\ud83d', 'x\ud800y',
  '²', '½', 'Ⅻ', '\u0663', '·', '·a', "don't", 'rock’n’roll', 'e-mail', 'snake_case', '_lead', 'trail_', '-x-', "'quoted'",
];

function randomText(next: () => number): string {
  const n = Math.floor(next() * 40);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

function referenceHashes(text: string): number[] {
  return wordTokens(text).map(fnv1a32);
}

function scannerHashes(text: string): number[] {
  const w = newWordHashes();
  const n = wordHashesInto(text, w);
  expect(w.n).toBe(n);
  return [...w.h.subarray(0, n)];
}

function scannerShingles(text: string, k: number): number[] {
  const w = newWordHashes();
  wordHashesInto(text, w);
  const out = new Uint32Array(Math.max(1, w.n));
  return [...out.subarray(0, shinglesOfHashes(w, k, out))];
}

describe('word scanner (words.ts) against wordTokens and shingleSet', () => {
  it('finds the words wordTokens finds, on hand-picked texts', () => {
    const texts = [
      '',
      ' ',
      "don't stop-the steal_now 'quoted' -- - _ ’",
      'rock’n’roll e-mail a-b-c a--b a__b a\'\'b',
      'café cafe\u0301 \u0301start ß straße',
      '中文 テキスト 한국어 ไทย عربي हिन्दी',
      '𝐓𝐑𝐔𝐌𝐏 𝟕 😀 👍🏽 x😀y',
      'lone \ud800 high, lone \udc00 low, pair \ud835\udc13 end\ud800',
      "end with joiner' and -",
      "2½ Ⅻ ² 1,000 3.14 l'été",
    ];
    for (const t of texts) {
      expect(scannerHashes(t), JSON.stringify(t)).toEqual(referenceHashes(t));
      expect(wordCount(t), JSON.stringify(t)).toBe(wordTokens(t).length);
    }
  });

  it('finds the words wordTokens finds, on random texts of every boundary', () => {
    const next = rng(13);
    for (let i = 0; i < 20_000; i++) {
      const raw = randomText(next);
      for (const t of [raw, normaliseText(raw)]) {
        expect(scannerHashes(t), JSON.stringify(t)).toEqual(referenceHashes(t));
        expect(wordCount(t)).toBe(wordTokens(t).length);
      }
    }
  });

  it('gives shingleSet(wordTokens(text), k) for every k, short texts included', () => {
    const next = rng(5);
    for (let i = 0; i < 5_000; i++) {
      const t = normaliseText(randomText(next));
      for (const k of [0, 1, 2, 3, 5]) expect(scannerShingles(t, k), `${k} ${JSON.stringify(t)}`).toEqual([...shingleSet(wordTokens(t), k)]);
    }
    // repeated shingles collapse
    expect(scannerShingles('a b a b a b', 2)).toEqual([...shingleSet(['a', 'b', 'a', 'b', 'a', 'b'], 2)]);
    expect(scannerShingles('a b a b a b', 2).length).toBe(2);
  });

  it('grows its hash buffer for long texts', () => {
    const t = Array.from({ length: 1000 }, (_, i) => `w${i % 300}`).join(' ');
    expect(scannerHashes(t)).toEqual(referenceHashes(t));
  });
});

describe('minhashInto (four permutations a pass) against one permutation at a time', () => {
  function reference(sh: Uint32Array, k: number, seed: number): number[] {
    const { a, b } = makePermutations(k, seed);
    const out: number[] = [];
    for (let i = 0; i < k; i++) {
      let m = 0xffffffff;
      for (const x of sh) {
        const h = fmix32((Math.imul(a[i]!, x) + b[i]!) | 0);
        if (h < m) m = h;
      }
      out.push(m);
    }
    return out;
  }

  it('gives the same signature for any number of permutations and any set', () => {
    const next = rng(3);
    for (const k of [1, 3, 4, 7, 16, 64, 66]) {
      for (let trial = 0; trial < 50; trial++) {
        const len = Math.floor(next() * 60);
        const sh = Uint32Array.from({ length: len }, () => Math.floor(next() * 2 ** 32));
        const out = new Uint32Array(k + 5).fill(7);
        minhashInto(sh, 0, len, makePermutations(k, trial), out, 3);
        expect([...out.subarray(3, 3 + k)]).toEqual(reference(sh, k, trial));
        // outside its slot nothing is written
        expect([...out.subarray(0, 3)]).toEqual([7, 7, 7]);
        expect(out[3 + k]).toBe(7);
      }
    }
    // an empty set: every row at the maximum
    const out = new Uint32Array(8);
    minhashInto(new Uint32Array(0), 0, 0, makePermutations(8, 1), out, 0);
    expect([...out]).toEqual(Array(8).fill(0xffffffff));
  });
});

describe('normaliseText skips the whitespace collapse only where it changes nothing', () => {
  // normalise.ts's rules as they were, collapsing white space always
  const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
  function reference(text: string): string {
    let s = stripNoiseSuffix(text).normalize('NFKC').toLowerCase();
    s = s.replace(/[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu, '');
    if (s.includes('&')) s = s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ENTITIES[e] ?? '');
    s = s.replace(/^\s*rt\s+@[\p{L}\p{N}_]+:?\s*/u, '');
    if (s.includes('http') || s.includes('www.')) s = s.replace(/(?:https?:\/\/|www\.)\S+/gu, ' ');
    if (s.includes('@')) s = s.replace(/(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]+/gu, '$1 ');
    return s.replace(/\s+/gu, ' ').trim();
  }
  const SPACES = [' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u200b', ' \u00a0 ', '\u2028', '\u000b', '\u000c'];
  const OTHER = ['RT @x: ', 'rt @a_b ', '@who', 'http://t.co/x', ' https://e.x/y WIRD', 'www.a.b', '&amp;', '&lt;3'];

  it('gives the text the full collapse gives, on texts of every kind of white space', () => {
    const next = rng(17);
    const pick = (l: readonly string[]) => l[Math.floor(next() * l.length)]!;
    for (let i = 0; i < 20_000; i++) {
      let t = '';
      const n = Math.floor(next() * 14);
      for (let k = 0; k < n; k++) t += pick(next() < 0.45 ? PIECES : next() < 0.8 ? SPACES : OTHER);
      expect(normaliseText(t), JSON.stringify(t)).toBe(reference(t));
    }
    expect(normaliseText(' a  b\tc\u00a0d \n e ')).toBe('a b c d e');
    expect(normaliseText('a b c')).toBe('a b c');
  });
});
