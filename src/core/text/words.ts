import { FNV1A_OFFSET, hashCombine } from './hash.ts';
import { sortedUnique } from './shingles.ts';

/**
 * The words of a normalised text as wordTokens (normalise.ts) finds them — maximal runs of
 * letters, digits and marks (\p{L}\p{N}\p{M}), joined by an inner ' ’ _ or - that has such a
 * character on both sides — read by a scanner instead of a regular expression, so a text's word
 * count and word hashes come without an array of strings. Each word's hash is fnv1a32 of its
 * UTF-16 code units (what shingleSet hashes). test/unit/edges/words.test.ts holds it to
 * wordTokens on random and real texts.
 */

const WORD_CP_RE = /^[\p{L}\p{N}\p{M}]$/u;
/** by code point: 0 not yet classified, 1 a word character, 2 not (filled on first sight) */
let wordClass: Uint8Array | null = null;

function classes(): Uint8Array {
  if (wordClass) return wordClass;
  const c = new Uint8Array(0x110000);
  for (let cp = 0; cp < 0x80; cp++) c[cp] = (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) ? 1 : 2;
  wordClass = c;
  return c;
}

function classify(c: Uint8Array, cp: number): number {
  let v = c[cp];
  if (v === 0) {
    v = WORD_CP_RE.test(String.fromCodePoint(cp)) ? 1 : 2;
    c[cp] = v;
  }
  return v;
}

/** a joiner inside a word: ' ’ _ - */
function isJoiner(u: number): boolean {
  return u === 0x27 || u === 0x2019 || u === 0x5f || u === 0x2d;
}

/** Word hashes of a text, grown as needed (`h[0 .. n)` after wordHashesInto). */
export interface WordHashes {
  h: Uint32Array;
  n: number;
}

export function newWordHashes(): WordHashes {
  return { h: new Uint32Array(256), n: 0 };
}

/**
 * The code point at s[i] and its length in code units, as `len * 0x200000 + cp` (a lone
 * surrogate is a code point of its own, as a /u regular expression reads it).
 */
function codePointAt(s: string, i: number, n: number): number {
  const u = s.charCodeAt(i);
  if (u >= 0xd800 && u <= 0xdbff && i + 1 < n) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2 * 0x200000 + ((u - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return 0x200000 + u;
}

/**
 * Hashes of wordTokens(normalised), in order, into `out` (out.n words). With `countOnly` the
 * hashes are not kept, only counted.
 */
export function wordHashesInto(normalised: string, out: WordHashes, countOnly = false): number {
  const c = classes();
  const s = normalised;
  const n = s.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    const u = s.charCodeAt(i);
    if (u < 0x80) {
      if (c[u] !== 1) {
        i++;
        continue;
      }
    } else {
      const x = codePointAt(s, i, n);
      if (classify(c, x % 0x200000) !== 1) {
        i += x >= 2 * 0x200000 ? 2 : 1;
        continue;
      }
    }
    // a word starts at i
    let h = FNV1A_OFFSET;
    for (;;) {
      // a run of word characters
      while (i < n) {
        const v = s.charCodeAt(i);
        if (v < 0x80) {
          if (c[v] !== 1) break;
          h = Math.imul(h ^ v, 0x01000193);
          i++;
          continue;
        }
        const x = codePointAt(s, i, n);
        if (classify(c, x % 0x200000) !== 1) break;
        h = Math.imul(h ^ v, 0x01000193);
        if (x >= 2 * 0x200000) {
          h = Math.imul(h ^ s.charCodeAt(i + 1), 0x01000193);
          i += 2;
        } else i++;
      }
      // a joiner followed by a word character continues the word
      if (i + 1 < n && isJoiner(s.charCodeAt(i))) {
        const next = s.charCodeAt(i + 1);
        const ok = next < 0x80 ? c[next] === 1 : classify(c, codePointAt(s, i + 1, n) % 0x200000) === 1;
        if (ok) {
          h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
          i++;
          continue;
        }
      }
      break;
    }
    if (!countOnly) {
      if (count === out.h.length) {
        const g = new Uint32Array(out.h.length * 2);
        g.set(out.h);
        out.h = g;
      }
      out.h[count] = h >>> 0;
    }
    count++;
  }
  out.n = countOnly ? 0 : count;
  return count;
}

const COUNT_ONLY: WordHashes = { h: new Uint32Array(0), n: 0 };

/** wordTokens(normalised).length, without the tokens. */
export function wordCount(normalised: string): number {
  return wordHashesInto(normalised, COUNT_ONLY, true);
}

/**
 * shingleSet(wordTokens(normalised), k) (shingles.ts) from the words' hashes `w.h[0 .. w.n)`:
 * written into `out` from 0, sorted and distinct; returns how many. `out` must hold w.n values.
 */
export function shinglesOfHashes(w: WordHashes, k: number, out: Uint32Array): number {
  const m = w.n;
  if (m === 0) return 0;
  const hashes = w.h;
  const size = k <= 1 || m < k ? 1 : k;
  const count = m - size + 1;
  for (let i = 0; i < count; i++) {
    let h = hashes[i];
    for (let j = 1; j < size; j++) h = hashCombine(h, hashes[i + j]);
    out[i] = h;
  }
  return sortedUnique(out.subarray(0, count)).length;
}
