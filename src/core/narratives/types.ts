import type { StemCache } from './tokenize.ts';

/** One narrative's lexicon, as an operator writes it in config/narratives/<id>.json. */
export interface NarrativeLexicon {
  /** stable id, kebab-case, e.g. "election-fraud" */
  id: string;
  title: string;
  /** neutral description of the claim family, for analysts */
  description: string;
  /** single words; stemmed at compile time ("rigged" also matches "rigging") */
  terms: string[];
  /** multi-word expressions, matched on consecutive stemmed tokens */
  phrases: string[];
  /** 3–6 typical posts; the TF-IDF similarity is measured against these */
  examples: string[];
  /** a post matches when its score reaches this (default 0.5) */
  min_score?: number;
}

/** A narrative found in one text, with the evidence. */
export interface NarrativeMatch {
  id: string;
  /** 0..1 */
  score: number;
  /** lexicon terms found (as written in the lexicon) */
  terms: string[];
  /** lexicon phrases found (as written in the lexicon) */
  phrases: string[];
  /** highest TF-IDF cosine similarity to one of the narrative's examples, 0..1 */
  similarity: number;
}

/** A narrative across a set of posts. */
export interface NarrativeSummary {
  id: string;
  title: string;
  /** posts matching it */
  posts: number;
  /** posts matching it / all posts given */
  share: number;
  mean_score: number;
  max_score: number;
  /** terms and phrases by the number of matching posts that carry them, most first (≤ 10) */
  top_terms: { term: string; posts: number }[];
  /** keys (or indexes, as strings) of the best-matching posts (≤ 5) */
  sample_posts: string[];
}

export interface TermRef {
  narrative: number;
  label: string;
}

export interface PhraseRef {
  narrative: number;
  label: string;
  stems: string[];
}

export interface CompiledNarrative {
  id: string;
  title: string;
  description: string;
  min_score: number;
}

/**
 * Lexicons precompiled for fast matching: stemmed term and phrase indexes and the TF-IDF
 * vectors of the examples as an inverted index. Build it once with compileNarratives and
 * share it; `stem_cache` is a memo that only ever holds pure-function results.
 */
export interface CompiledNarratives {
  narratives: CompiledNarrative[];
  terms: Map<string, TermRef[]>;
  phrases: Map<string, PhraseRef[]>;
  idf: Map<string, number>;
  /** idf of a stem that no example contains */
  unknown_idf: number;
  /** stem → (example, tf-idf weight) */
  postings: Map<string, { example: number; weight: number }[]>;
  examples: { narrative: number; norm: number }[];
  stem_cache: StemCache;
}
