import { scanWords, wordEntry } from './tokenize.ts';
import type { CompiledNarratives, NarrativeMatch, PhraseRef, TermRef } from './types.ts';

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

// What matching needs of a stem, looked up once per stem rather than once per word of each
// text; `mark`, `tf` and `inBag` are scratch for the text being matched (valid while
// mark === the text's epoch).
interface StemInfo {
  stem: string;
  terms: TermRef[] | undefined;
  phrases: PhraseRef[] | undefined;
  postings: { example: number; weight: number }[] | undefined;
  idf: number;
  mark: number;
  tf: number;
  inBag: boolean;
}

interface WordInfo {
  info: StemInfo;
  content: boolean;
}

interface MatchState {
  words: Map<string, WordInfo>;
  stems: Map<string, StemInfo>;
  /** per example: dot product so far (valid while exMark[ex] === epoch) */
  dots: Float64Array;
  exMark: Float64Array;
  /** per narrative: best similarity so far (valid while narMark[n] === epoch) */
  sims: Float64Array;
  narMark: Float64Array;
}

// Like the stem cache: surface words of random posts must not grow it without bound.
const WORD_CACHE_LIMIT = 200_000;
const states = new WeakMap<CompiledNarratives, MatchState>();

function stateOf(compiled: CompiledNarratives): MatchState {
  let st = states.get(compiled);
  if (!st) {
    st = {
      words: new Map(),
      stems: new Map(),
      dots: new Float64Array(compiled.examples.length),
      exMark: new Float64Array(compiled.examples.length),
      sims: new Float64Array(compiled.narratives.length),
      narMark: new Float64Array(compiled.narratives.length),
    };
    states.set(compiled, st);
  }
  return st;
}

// The text being matched (matching is synchronous: one text at a time).
let cur: CompiledNarratives;
let st: MatchState;
let epoch = 0;
/** the stems of the text in order (tokenize's seq), its length in seqLen */
const seqInfo: StemInfo[] = [];
let seqLen = 0;
/** distinct stems of the bag, in bag order */
const bagInfo: StemInfo[] = [];
let bagLen = 0;
/** distinct stems of content words, in order of first occurrence (the tf map's order) */
const tfInfo: StemInfo[] = [];
let tfLen = 0;
let anyPhrase = false;
let anyEvidence = false;

function infoOf(stem: string): StemInfo {
  let info = st.stems.get(stem);
  if (!info) {
    info = {
      stem,
      terms: cur.terms.get(stem),
      phrases: cur.phrases.get(stem),
      postings: cur.postings.get(stem),
      idf: cur.idf.get(stem) ?? cur.unknown_idf,
      mark: 0,
      tf: 0,
      inBag: false,
    };
    st.stems.set(stem, info);
  }
  return info;
}

function wordOf(word: string): WordInfo {
  let w = st.words.get(word);
  if (!w) {
    const e = wordEntry(word);
    w = { info: infoOf(e.stem), content: e.content };
    st.words.set(word, w);
  }
  return w;
}

function touch(info: StemInfo): void {
  if (info.mark !== epoch) {
    info.mark = epoch;
    info.tf = 0;
    info.inBag = false;
  }
}

function sink(word: string, joined: boolean): void {
  const w = wordOf(word);
  const info = w.info;
  touch(info);
  if (!info.inBag) {
    info.inBag = true;
    bagInfo[bagLen++] = info;
    if (info.terms !== undefined) anyEvidence = true;
  }
  if (joined) return;
  seqInfo[seqLen++] = info;
  if (info.phrases !== undefined) anyPhrase = anyEvidence = true;
  if (w.content) {
    if (info.tf === 0) {
      tfInfo[tfLen++] = info;
      if (info.postings !== undefined) anyEvidence = true;
    }
    info.tf++;
  }
}

function clearScratch(): void {
  // Drop the references to this text's stems (the arrays keep their length and capacity).
  seqInfo.fill(undefined as never, 0, seqLen);
  bagInfo.fill(undefined as never, 0, bagLen);
  tfInfo.fill(undefined as never, 0, tfLen);
}

/** Sizes of matchNarratives' word and stem caches for `compiled` (tests: they stay bounded). */
export function matchCacheSizes(compiled: CompiledNarratives): { words: number; stems: number } {
  const s = states.get(compiled);
  return { words: s?.words.size ?? 0, stems: s?.stems.size ?? 0 };
}

/**
 * Narratives in one text. score = 1 − (1 − lex)(1 − 0.8 · sim), where lex comes from the
 * distinct lexicon terms (weight 1) and phrases (weight 2) found, and sim is the highest
 * TF-IDF cosine similarity to one of the narrative's examples. Only narratives at or above
 * their min_score are returned, best first.
 *
 * The text is read once into per-stem scratch (no token arrays, sets or maps per text); a
 * text none of whose stems is a lexicon term, the first word of a phrase or a word of an
 * example has no evidence and no similarity, so it matches nothing and returns [] there.
 */
export function matchNarratives(text: string, compiled: CompiledNarratives): NarrativeMatch[] {
  cur = compiled;
  st = stateOf(compiled);
  // Bounded between texts, never inside one: a text's scratch holds its stems' entries.
  if (st.words.size >= WORD_CACHE_LIMIT || st.stems.size >= WORD_CACHE_LIMIT) {
    st.words.clear();
    st.stems.clear();
  }
  epoch++;
  seqLen = bagLen = tfLen = 0;
  anyPhrase = anyEvidence = false;
  try {
    scanWords(text, sink);
    if (seqLen === 0 || !anyEvidence) return [];
    return score(compiled);
  } finally {
    clearScratch();
  }
}

function score(compiled: CompiledNarratives): NarrativeMatch[] {
  const hits = new Map<number, Hit>();
  for (let b = 0; b < bagLen; b++) {
    const refs = bagInfo[b].terms;
    if (refs) for (const r of refs) hitOf(hits, r.narrative).terms.push(r.label);
  }
  // Phrase hits with their spans; a phrase inside a longer one found at the same place
  // ("body double" inside "hillary body double") is one piece of evidence, not two.
  if (anyPhrase) {
    const spans = new Map<number, { label: string; start: number; end: number }[]>();
    for (let i = 0; i < seqLen; i++) {
      const refs = seqInfo[i].phrases;
      if (!refs) continue;
      for (const r of refs) {
        const end = i + r.stems.length;
        if (end > seqLen) continue;
        let ok = true;
        for (let j = 1; j < r.stems.length; j++) {
          if (seqInfo[i + j].stem !== r.stems[j]) {
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
          (b) =>
            b !== a && b.start <= a.start && b.end >= a.end && b.end - b.start > a.end - a.start,
        );
        if (!inside) labels.add(a.label);
      }
      hitOf(hits, n).phrases.push(...labels);
    }
  }

  // TF-IDF cosine to each example that shares a stem with the text (sums in the same order
  // as over a tf map in first-occurrence order, so the same floating-point results).
  const { dots, exMark, sims, narMark } = st;
  const touchedEx: number[] = [];
  let norm2 = 0;
  for (let t = 0; t < tfLen; t++) {
    const info = tfInfo[t];
    const w = info.tf * info.idf;
    norm2 += w * w;
    const post = info.postings;
    if (post) {
      for (const p of post) {
        if (exMark[p.example] !== epoch) {
          exMark[p.example] = epoch;
          dots[p.example] = 0 + w * p.weight;
          touchedEx.push(p.example);
        } else dots[p.example] = dots[p.example] + w * p.weight;
      }
    }
  }
  const touchedNar: number[] = [];
  const norm = Math.sqrt(norm2);
  if (norm > 0) {
    for (const ex of touchedEx) {
      const dot = dots[ex];
      const e = compiled.examples[ex];
      const c = e.norm > 0 ? Math.min(1, dot / (norm * e.norm)) : 0;
      const n = e.narrative;
      const prev = narMark[n] === epoch ? sims[n] : 0;
      if (c > prev) {
        if (narMark[n] !== epoch) {
          narMark[n] = epoch;
          touchedNar.push(n);
        }
        sims[n] = c;
      }
    }
  }

  const out: NarrativeMatch[] = [];
  const candidates = new Set<number>([...hits.keys(), ...touchedNar]);
  for (const n of candidates) {
    const h = hits.get(n) ?? { terms: [], phrases: [] };
    const sim = narMark[n] === epoch ? sims[n] : 0;
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
