import natural from 'natural';
import { tokenize } from './tokenize.ts';
import type { StemCache } from './tokenize.ts';
import type { CompiledNarratives, NarrativeLexicon, PhraseRef, TermRef } from './types.ts';

const { TfIdf } = natural;

export const DEFAULT_MIN_SCORE = 0.5;

export class NarrativeLexiconError extends Error {
  override name = 'NarrativeLexiconError';
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Precompile lexicons: stem the terms and phrases into indexes keyed by stem, and turn the
 * examples into TF-IDF vectors (natural's TfIdf, idf = 1 + ln(N / (1 + df)) over all
 * examples of all narratives, so words every narrative uses weigh little).
 */
export function compileNarratives(lexicons: readonly NarrativeLexicon[]): CompiledNarratives {
  const stemCache: StemCache = new Map();
  const compiled: CompiledNarratives = {
    narratives: [],
    terms: new Map(),
    phrases: new Map(),
    idf: new Map(),
    unknown_idf: 1,
    postings: new Map(),
    examples: [],
    stem_cache: stemCache,
  };
  const seen = new Set<string>();
  const tfidf = new TfIdf();
  const exampleStems: string[][] = [];
  for (const lex of lexicons) {
    if (!lex || typeof lex.id !== 'string' || lex.id.trim() === '') {
      throw new NarrativeLexiconError('a narrative lexicon has no id');
    }
    if (seen.has(lex.id)) throw new NarrativeLexiconError(`narrative id "${lex.id}" is used twice`);
    seen.add(lex.id);
    const n = compiled.narratives.length;
    compiled.narratives.push({
      id: lex.id,
      title: typeof lex.title === 'string' ? lex.title : lex.id,
      description: typeof lex.description === 'string' ? lex.description : '',
      min_score:
        typeof lex.min_score === 'number' && Number.isFinite(lex.min_score)
          ? lex.min_score
          : DEFAULT_MIN_SCORE,
    });
    const termSeen = new Set<string>();
    const phraseSeen = new Set<string>();
    const addTermOrPhrase = (label: string) => {
      const { seq } = tokenize(label, stemCache);
      if (seq.length === 0) return;
      if (seq.length === 1) {
        if (termSeen.has(seq[0])) return;
        termSeen.add(seq[0]);
        push<TermRef>(compiled.terms, seq[0], { narrative: n, label });
      } else {
        const key = seq.join(' ');
        if (phraseSeen.has(key)) return;
        phraseSeen.add(key);
        push<PhraseRef>(compiled.phrases, seq[0], { narrative: n, label, stems: seq });
      }
    };
    for (const t of lex.terms ?? []) addTermOrPhrase(t);
    for (const p of lex.phrases ?? []) addTermOrPhrase(p);
    for (const ex of lex.examples ?? []) {
      const { seq, content } = tokenize(ex, stemCache);
      const stems = seq.filter((_, i) => content[i]);
      if (stems.length === 0) continue;
      compiled.examples.push({ narrative: n, norm: 0 });
      exampleStems.push(stems);
      tfidf.addDocument(stems);
    }
  }
  const nDocs = exampleStems.length;
  compiled.unknown_idf = 1 + Math.log(Math.max(1, nDocs));
  for (let d = 0; d < nDocs; d++) {
    const tf = new Map<string, number>();
    for (const s of exampleStems[d]) tf.set(s, (tf.get(s) ?? 0) + 1);
    let norm2 = 0;
    for (const [s, f] of tf) {
      let idf = compiled.idf.get(s);
      if (idf === undefined) {
        idf = tfidf.idf(s);
        compiled.idf.set(s, idf);
      }
      const w = f * idf;
      norm2 += w * w;
      push(compiled.postings, s, { example: d, weight: w });
    }
    compiled.examples[d].norm = Math.sqrt(norm2);
  }
  return compiled;
}
