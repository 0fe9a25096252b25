import natural from 'natural';

const { PorterStemmer } = natural;
const STOPWORDS = new Set(natural.stopwords);

// Matching looks at this much of a post; longer texts are cut (a 100 KB post is spam or an attack).
export const MAX_MATCH_CHARS = 20_000;
const MAX_STEM_LEN = 30;
const STEM_CACHE_LIMIT = 200_000;

const FORMAT_CHARS = /[\p{Cf}]/gu; // zero-width, bidi controls, soft hyphen: they split words invisibly
const MARKS = /[\p{M}]/gu;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:['’][\p{L}\p{M}]+)*/gu;
const CAMEL = /(?<=\p{Ll})(?=\p{Lu})/u;
const ASCII_WORD = /^[a-z]+$/;
// Most posts are plain ASCII: they skip normalisation and use cheaper patterns.
const NON_ASCII = /[\u0080-\uffff]/;
const APOSTROPHES = /['’]/g;
// Links are not narrative text, and their random ids would churn the stem cache.
const URLS = /\b(?:https?:\/\/|www\.)\S+/gi;

/** A word as matching sees it: its stem, and whether it carries meaning for TF-IDF. */
export interface StemEntry {
  stem: string;
  /** not a stopword and longer than one character */
  content: boolean;
}

export type StemCache = Map<string, StemEntry>;

export interface Tokens {
  /** stems in text order (camel-case hashtags split into words) */
  seq: string[];
  /** per position in seq: does the word count for TF-IDF */
  content: boolean[];
  /** distinct stems, plus joined camel-case words ("stopthesteal") */
  bag: Set<string>;
}

function entryOf(word: string): StemEntry {
  // Full-width letters become ASCII, accents go: "ＲＩＧＧＥＤ" and "élection" read as English.
  const low = (
    NON_ASCII.test(word) ? word.normalize('NFKD').replace(MARKS, '') : word
  ).toLowerCase();
  // Porter is for English words; numbers, other scripts and very long runs stay as they are.
  const stem = low.length <= MAX_STEM_LEN && ASCII_WORD.test(low) ? PorterStemmer.stem(low) : low;
  return { stem, content: low.length > 1 && !STOPWORDS.has(low) };
}

function lookup(word: string, cache: StemCache | undefined): StemEntry {
  const hit = cache?.get(word);
  if (hit !== undefined) return hit;
  const e = entryOf(word);
  if (cache) {
    if (cache.size >= STEM_CACHE_LIMIT) cache.clear();
    cache.set(word, e);
  }
  return e;
}

/**
 * Receives the words of a text as tokenize() reads them, before stemming: `joined` is the
 * lower-cased whole of a camel-case word, which tokenize() puts in the bag only.
 */
export type WordSink = (word: string, joined: boolean) => void;

function emitWord(sink: WordSink, raw: string, camel: boolean): void {
  if (camel && raw.length <= 40) {
    const parts = raw.split(CAMEL);
    if (parts.length > 1) {
      for (const part of parts) sink(part, false);
      sink(raw.toLowerCase(), true);
      return;
    }
  }
  sink(raw, false);
}

const isAlnum = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
const isAlpha = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/**
 * ASCII words ([A-Za-z0-9]+, with 'x continuations as in "don't"), apostrophes dropped,
 * camel = a lower-case letter followed by a capital inside the word. A hand loop: the
 * regex version allocates a match object per word and is the hot spot of matching.
 */
function scanAscii(s: string, sink: WordSink): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isAlnum(s.charCodeAt(i))) i++;
    if (i >= n) break;
    let start = i;
    let word = '';
    let camel = false;
    let prevLower = false;
    for (;;) {
      const c = s.charCodeAt(i);
      if (isAlnum(c)) {
        const upper = c >= 65 && c <= 90;
        if (upper && prevLower) camel = true;
        prevLower = c >= 97 && c <= 122;
        i++;
      } else if (c === 39 && i + 1 < n && isAlpha(s.charCodeAt(i + 1))) {
        word += s.slice(start, i);
        start = ++i;
      } else break;
      if (i >= n) break;
    }
    emitWord(sink, word + s.slice(start, i), camel);
  }
}

/** The stem of one word and whether it counts for TF-IDF, as tokenize() sees it (no memo). */
export function wordEntry(word: string): StemEntry {
  return entryOf(word);
}

/** The stem of one word, as tokenize() would produce it. */
export function stemWord(word: string, cache?: StemCache): string {
  return lookup(word, cache).stem;
}

/**
 * Unicode-aware tokens: compatibility-normalised (full-width letters become ASCII),
 * accents and invisible characters removed, apostrophes dropped ("don't" → "dont"),
 * lower-cased and Porter-stemmed. The cache maps surface words to stems (a memo).
 */
export function tokenize(text: unknown, cache?: StemCache): Tokens {
  const seq: string[] = [];
  const content: boolean[] = [];
  const bag = new Set<string>();
  scanWords(text, (word, joined) => {
    const e = lookup(word, cache);
    bag.add(e.stem);
    if (joined) return;
    seq.push(e.stem);
    content.push(e.content);
  });
  return { seq, content, bag };
}

/**
 * The words tokenize() stems, in its order, given to `sink` unstemmed (tokenize(text) is:
 * stem each word; seq and content get the non-joined ones, the bag all). matchNarratives
 * reads texts through it with a module-level sink: no closure, arrays or set per text.
 */
export function scanWords(text: unknown, sink: WordSink): void {
  if (typeof text !== 'string' || text.length === 0) return;
  let cut = text.length > MAX_MATCH_CHARS ? text.slice(0, MAX_MATCH_CHARS) : text;
  if (cut.includes('http') || cut.includes('www.')) cut = cut.replace(URLS, ' ');
  const ascii = !NON_ASCII.test(cut);
  const clean = ascii ? cut : cut.replace(FORMAT_CHARS, '');
  if (ascii) scanAscii(clean, sink);
  else {
    for (const m of clean.matchAll(WORD)) {
      const raw = m[0].includes("'") || m[0].includes('’') ? m[0].replace(APOSTROPHES, '') : m[0];
      emitWord(sink, raw, CAMEL.test(raw));
    }
  }
}
