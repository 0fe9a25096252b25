import { tokenize } from './tokenize.ts';
import type { CompiledNarratives, NarrativeMatch } from './types.ts';

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
export function matchNarratives(text: string, compiled: CompiledNarratives): NarrativeMatch[] {
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
