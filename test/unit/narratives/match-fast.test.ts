import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadNarrativeLexicons } from '../../../config/narratives.ts';
import {
  compileNarratives,
  matchNarratives,
  tokenize,
} from '../../../src/core/narratives/index.ts';
import type { CompiledNarratives, NarrativeMatch } from '../../../src/core/narratives/index.ts';
import { hostileString, hugeString, prng } from '../signals/helpers.ts';

// The matcher as it was before the per-stem scratch and the no-evidence exit (tokenize, maps
// and sets per text), kept verbatim as the reference the fast path must equal.
/** Evidence weights: a phrase is more specific than a single word. */
const TERM_WEIGHT = 1;
const PHRASE_WEIGHT = 2;
/** Lexical evidence E gives 1 − exp(−E / LEX_SCALE): one term 0.33, a phrase 0.55, both 0.70. */
const LEX_SCALE = 2.5;
/** Similarity alone reaches at most this (a near-copy of an example scores ~0.8). */
const SIM_WEIGHT = 0.8;

interface Hit {
  terms: string[];
  phrases: string[];
}

function hitOf(hits: Map<number, Hit>, n: number): Hit {
  let h = hits.get(n);
  if (!h) hits.set(n, (h = { terms: [], phrases: [] }));
  return h;
}

/**
 * Narratives in one text. score = 1 − (1 − lex)(1 − 0.8 · sim), where lex comes from the
 * distinct lexicon terms (weight 1) and phrases (weight 2) found, and sim is the highest
 * TF-IDF cosine similarity to one of the narrative's examples. Only narratives at or above
 * their min_score are returned, best first.
 */
function referenceMatch(text: string, compiled: CompiledNarratives): NarrativeMatch[] {
  const { seq, content, bag } = tokenize(text, compiled.stem_cache);
  if (seq.length === 0) return [];
  const hits = new Map<number, Hit>();
  for (const stem of bag) {
    const refs = compiled.terms.get(stem);
    if (refs) for (const r of refs) hitOf(hits, r.narrative).terms.push(r.label);
  }
  // Phrase hits with their spans; a phrase inside a longer one found at the same place
  // ("body double" inside "hillary body double") is one piece of evidence, not two.
  const spans = new Map<number, { label: string; start: number; end: number }[]>();
  for (let i = 0; i < seq.length; i++) {
    const refs = compiled.phrases.get(seq[i]);
    if (!refs) continue;
    for (const r of refs) {
      const end = i + r.stems.length;
      if (end > seq.length) continue;
      let ok = true;
      for (let j = 1; j < r.stems.length; j++) {
        if (seq[i + j] !== r.stems[j]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      let list = spans.get(r.narrative);
      if (!list) spans.set(r.narrative, (list = []));
      list.push({ label: r.label, start: i, end });
    }
  }
  for (const [n, list] of spans) {
    const labels = new Set<string>();
    for (const a of list) {
      const inside = list.some(
        (b) => b !== a && b.start <= a.start && b.end >= a.end && b.end - b.start > a.end - a.start,
      );
      if (!inside) labels.add(a.label);
    }
    hitOf(hits, n).phrases.push(...labels);
  }

  // TF-IDF cosine to each example that shares a stem with the text.
  const tf = new Map<string, number>();
  for (let i = 0; i < seq.length; i++) if (content[i]) tf.set(seq[i], (tf.get(seq[i]) ?? 0) + 1);
  let norm2 = 0;
  const dots = new Map<number, number>();
  for (const [s, f] of tf) {
    const w = f * (compiled.idf.get(s) ?? compiled.unknown_idf);
    norm2 += w * w;
    const post = compiled.postings.get(s);
    if (post) for (const p of post) dots.set(p.example, (dots.get(p.example) ?? 0) + w * p.weight);
  }
  const sims = new Map<number, number>();
  const norm = Math.sqrt(norm2);
  if (norm > 0) {
    for (const [ex, dot] of dots) {
      const e = compiled.examples[ex];
      const c = e.norm > 0 ? Math.min(1, dot / (norm * e.norm)) : 0;
      if (c > (sims.get(e.narrative) ?? 0)) sims.set(e.narrative, c);
    }
  }

  const out: NarrativeMatch[] = [];
  const candidates = new Set<number>([...hits.keys(), ...sims.keys()]);
  for (const n of candidates) {
    const h = hits.get(n) ?? { terms: [], phrases: [] };
    const sim = sims.get(n) ?? 0;
    const lex =
      1 - Math.exp(-(h.terms.length * TERM_WEIGHT + h.phrases.length * PHRASE_WEIGHT) / LEX_SCALE);
    const score = 1 - (1 - lex) * (1 - SIM_WEIGHT * sim);
    const nar = compiled.narratives[n];
    if (score < nar.min_score) continue;
    out.push({
      id: nar.id,
      score: Math.round(score * 1000) / 1000,
      terms: h.terms.sort(),
      phrases: h.phrases.sort(),
      similarity: Math.round(sim * 1000) / 1000,
    });
  }
  return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

const lexicons = loadNarrativeLexicons();
const compiled = compileNarratives(lexicons);
// min_score 0: every narrative with any evidence or similarity is returned, so the scores,
// similarities, terms and phrases of non-matching texts are compared too.
const compiledAll = compileNarratives(lexicons.map((l) => ({ ...l, min_score: 0 })));

// Words the lexicons know (terms, phrase words, example words) in various casings, with
// words they do not know and hostile pieces: emoji, RTL, zero-width, bidi, CJK, surrogates.
const known = [
  ...new Set(
    lexicons.flatMap((l) =>
      [...l.terms, ...l.phrases, ...l.examples].flatMap((s) => s.split(/\s+/)).filter(Boolean),
    ),
  ),
];
const phrases = lexicons.flatMap((l) => [...l.phrases, ...l.examples]);
const hostile = [
  '\u200b',
  '\u200d',
  '\u2060',
  '\u202e',
  '\u200f',
  '\u00ad',
  '\ufeff',
  '👍🏽',
  '🇺🇸',
  '👨‍👩‍👧',
  'مرحبا',
  'שלום',
  '選挙',
  'élection',
  'ＲＩＧＧＥＤ',
  '\ud800',
  '\udfff',
  '𝕳𝖊𝖑𝖑𝖔',
  "don't",
  'it’s',
  'http://x.y/rigged',
  'www.stolen.com',
  '#StopTheSteal',
  'StopTheSteal',
  '@user',
  '123',
  'constructor',
  '__proto__',
  '\n',
  '\t',
  "'",
  '’',
  '-',
  '.',
  ',',
];
const piece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...known) },
  { weight: 1, arbitrary: fc.constantFrom(...known).map((w) => w.toUpperCase()) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...known), fc.constantFrom(...known))
      .map(([a, b]) => a.toLowerCase() + b.charAt(0).toUpperCase() + b.slice(1)),
  },
  { weight: 2, arbitrary: fc.constantFrom(...phrases) },
  { weight: 2, arbitrary: fc.constantFrom(...hostile) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z]{1,10}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);
const sep = fc.constantFrom(' ', ' ', ' ', '', '\u200b', ', ', '. ', '\n', '-', "'");
const text = fc
  .array(fc.tuple(piece, sep), { maxLength: 40 })
  .map((parts) => parts.map(([p, s]) => p + s).join(''));

function same(t: string, c: CompiledNarratives = compiled): NarrativeMatch[] {
  const want = referenceMatch(t, c);
  expect(matchNarratives(t, c)).toEqual(want);
  return want;
}

describe('matchNarratives equals the reference matcher', () => {
  it('on random texts of lexicon words, unknown words and hostile pieces', () => {
    let matched = 0;
    let empty = 0;
    fc.assert(
      fc.property(text, (t) => {
        if (same(t).length) matched++;
        else empty++;
        same(t, compiledAll);
      }),
      { numRuns: 3000, seed: 20261203 },
    );
    // both branches are exercised: texts that match and texts that do not
    expect(matched).toBeGreaterThan(100);
    expect(empty).toBeGreaterThan(100);
  });

  it('on arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (t) => {
        same(t);
        same(t, compiledAll);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it("on the lexicons' own examples, phrases and terms, and on hostile texts", () => {
    let matched = 0;
    for (const l of lexicons) {
      for (const s of [...l.examples, ...l.phrases, ...l.terms]) {
        matched += same(s).length;
        same(`${s} ${s}`);
        same(s, compiledAll);
      }
    }
    expect(matched).toBeGreaterThan(0);
    const rnd = prng(5);
    for (let i = 0; i < 300; i++) same(hostileString(rnd, 20) + ' rigged ' + hostileString(rnd, 5));
    for (let i = 0; i < 300; i++) {
      same(hostileString(rnd, 20) + ' stolen ' + hostileString(rnd, 5), compiledAll);
    }
    same(hugeString(prng(3)));
    same(hugeString(prng(3)), compiledAll);
    same('rigged '.repeat(5000));
    same('x'.repeat(30_000) + ' rigged election');
    same('The e\u200blection was R\u200dIGGED\u202e, millions of il\u2060legal ballots');
    same('‏الانتخابات rigged ‏مزورة 🇺🇸🇺🇸 stolen election');
    for (const x of ['', ' ', '\u200b\u200b', '🙂', null, undefined, 42, {}] as never[]) {
      expect(matchNarratives(x, compiled)).toEqual([]);
      expect(referenceMatch(x, compiled)).toEqual([]);
    }
  });

  it('texts without evidence (no stem in a term, phrase or example index) match nothing', () => {
    const evidence = (t: string) => {
      const { seq, content, bag } = tokenize(t, compiled.stem_cache);
      return (
        [...bag].some((s) => compiled.terms.has(s)) ||
        seq.some((s) => compiled.phrases.has(s)) ||
        seq.some((s, i) => content[i] && compiled.postings.has(s))
      );
    };
    fc.assert(
      fc.property(text, (t) => {
        if (!evidence(t)) expect(referenceMatch(t, compiled)).toEqual([]);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('keeps separate scratch per compiled lexicon set and across interleaved calls', () => {
    const other = compileNarratives([
      {
        id: 'x',
        title: 'x',
        description: '',
        terms: ['ballots', 'PeanutButter'],
        phrases: ['peanut butter jelly'],
        examples: ['peanut butter is great', 'ballots ballots everywhere'],
        min_score: 0.1,
      },
    ]);
    fc.assert(
      fc.property(text, text, (a, b) => {
        same(a);
        same(b, other);
        same(a, other);
        same(b);
      }),
      { numRuns: 500, seed: 3 },
    );
    expect(same('I love peanutButter and PeanutButter jelly', other).length).toBe(1);
  });
});
