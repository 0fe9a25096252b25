export { narrativesForPosts } from './aggregate.ts';
export { compileNarratives, DEFAULT_MIN_SCORE, NarrativeLexiconError } from './compile.ts';
export { matchCacheSizes, matchNarratives } from './match.ts';
export { MAX_MATCH_CHARS, stemWord, tokenize } from './tokenize.ts';
export type { StemCache, StemEntry, Tokens } from './tokenize.ts';
export type {
  CompiledNarratives,
  NarrativeLexicon,
  NarrativeMatch,
  NarrativeSummary,
} from './types.ts';
