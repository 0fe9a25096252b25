import natural from 'natural';

const { PorterStemmer } = natural;

// Matching looks at this much of a post; longer texts are cut (a 100 KB post is spam or an attack).
export const MAX_MATCH_CHARS = 20_000;
const MAX_STEM_LEN = 30;
const STEM_CACHE_LIMIT = 200_000;

const FORMAT_CHARS = /[\p{Cf}]/gu; // zero-width, bidi controls, soft hyphen: they split words invisibly
const MARKS = /[\p{M}]/gu;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const CAMEL = /(?<=\p{Ll})(?=\p{Lu})/u;
const ASCII_WORD = /^[a-z]+$/;

export interface Tokens {
  /** stems in text order (camel-case hashtags split into words) */
  seq: string[];
  /** lower-case surface forms aligned with seq, for stopword tests */
  surface: string[];
  /** distinct stems, plus joined camel-case words ("stopthesteal") */
  bag: Set<string>;
}

export function stemWord(word: string, cache?: Map<string, string>): string {
  const hit = cache?.get(word);
  if (hit !== undefined) return hit;
  // Porter is for English words; numbers, other scripts and very long runs stay as they are.
  const s = word.length <= MAX_STEM_LEN && ASCII_WORD.test(word) ? PorterStemmer.stem(word) : word;
  if (cache) {
    if (cache.size >= STEM_CACHE_LIMIT) cache.clear();
    cache.set(word, s);
  }
  return s;
}

/**
 * Unicode-aware tokens: compatibility-normalised (full-width letters become ASCII),
 * accents and invisible characters removed, apostrophes dropped ("don't" → "dont"),
 * lower-cased and Porter-stemmed.
 */
export function tokenize(text: unknown, cache?: Map<string, string>): Tokens {
  const seq: string[] = [];
  const surface: string[] = [];
  const bag = new Set<string>();
  if (typeof text !== 'string' || text.length === 0) return { seq, surface, bag };
  const clean = (text.length > MAX_MATCH_CHARS ? text.slice(0, MAX_MATCH_CHARS) : text)
    .replace(FORMAT_CHARS, '')
    .normalize('NFKD')
    .replace(MARKS, '');
  for (const m of clean.matchAll(WORD)) {
    const raw = m[0].replace(/['’]/g, '');
    const parts = raw.length <= 40 && CAMEL.test(raw) ? raw.split(CAMEL) : null;
    if (parts && parts.length > 1) {
      for (const part of parts) {
        const low = part.toLowerCase();
        const st = stemWord(low, cache);
        seq.push(st);
        surface.push(low);
        bag.add(st);
      }
      bag.add(stemWord(raw.toLowerCase(), cache));
    } else {
      const low = raw.toLowerCase();
      const st = stemWord(low, cache);
      seq.push(st);
      surface.push(low);
      bag.add(st);
    }
  }
  return { seq, surface, bag };
}
