/**
 * What the text kinds derive from one post's text, kept by the caller between analyses of
 * overlapping posts (a live window re-run as posts land: most of its texts were seen by the
 * last run). Every field is a pure function of the text (and of the parameters it records),
 * so what the memo holds changes no result; the caller bounds it (the core reads it as a Map).
 */
export interface TextFacts {
  /** normaliseText(text) */
  norm: string;
  /** wordTokens(norm).length */
  words: number;
  /** shingleSet(wordTokens(norm), shingleK), or null before a kind asked for it */
  shingles: Uint32Array | null;
  shingleK: number;
  /** the LSH band keys of the shingles' MinHash signature (near-dup.ts), for `bandsOf` */
  bands: Uint32Array | null;
  bandsOf: string;
}

/** Text facts by raw text. */
export type TextMemo = Map<string, TextFacts>;
