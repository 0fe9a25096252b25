import { stripNoiseSuffix } from './suffix.ts';

/**
 * Text normalisation for coordwatch's own co-text (C1 exact) and near-same text (C1/C4 MinHash).
 *
 * Choices, and why:
 * - NFKC first, then lowercase: folds full-width letters, ligatures and styled "math" letters
 *   (𝐓𝐑𝐔𝐌𝐏) that copy-paste campaigns use to dodge exact matching.
 * - Invisible format characters go (zero-width space/joiners, bidi marks and isolates, BOM, soft
 *   hyphen, variation selectors, Hangul fillers): they are the classic way to make copies differ.
 * - URLs go: each tweet gets its own t.co wrapper, so the same pasted text would otherwise never
 *   match; links are compared on their own in co_link.
 * - @mentions go (as coordination-network-toolkit does): rings paste the same text at different
 *   targets. A leading "RT @user:" of a manual retweet goes with it.
 * - Hashtags stay, words and all: they are part of what was pasted.
 * - The five common HTML entities are decoded (exports often carry `&amp;`).
 * - Whitespace collapses to single spaces; the result is trimmed.
 * - A random suffix token after the last link ("… https://t.co/x WIRD") goes first: see suffix.ts.
 */

const INVISIBLE_RE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
const RT_PREFIX_RE = /^\s*rt\s+@[\p{L}\p{N}_]+:?\s*/u;
const URL_RE = /(?:https?:\/\/|www\.)\S+/gu;
const MENTION_RE = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]+/gu;
const WS_RE = /\s+/gu;
/** whitespace that collapsing would change: a white space other than ' ', or two in a row */
const ODD_WS_RE = /[^\S ]|\s\s/u;
const ENTITY_RE = /&(amp|lt|gt|quot|#39);/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

export function normaliseText(text: string): string {
  let s = stripNoiseSuffix(text).normalize('NFKC').toLowerCase();
  s = s.replace(INVISIBLE_RE, '');
  if (s.includes('&')) s = s.replace(ENTITY_RE, (_m, e: string) => ENTITIES[e] ?? '');
  s = s.replace(RT_PREFIX_RE, '');
  if (s.includes('http') || s.includes('www.')) s = s.replace(URL_RE, ' ');
  if (s.includes('@')) s = s.replace(MENTION_RE, '$1 ');
  // most texts' whitespace is single spaces already: then the collapse would change nothing
  // (and costs a replacement per word)
  if (ODD_WS_RE.test(s)) s = s.replace(WS_RE, ' ');
  return s.trim();
}

const WORD_RE = /[\p{L}\p{N}\p{M}]+(?:['’_-][\p{L}\p{N}\p{M}]+)*/gu;

/** Words of an already normalised text (letters, digits and marks; inner apostrophes/hyphens kept). */
export function wordTokens(normalised: string): string[] {
  return normalised.match(WORD_RE) ?? [];
}
