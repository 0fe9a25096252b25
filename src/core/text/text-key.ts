/**
 * The action index's text key (an object `t:<key>`): lower-cased, link-free, punctuation-free
 * text, tokens joined by single spaces. (The co_text kind strips random suffix tokens first.)
 */

const URL_RE = /\bhttps?:\/\/\S+/giu;
// letters and digits of any script survive; punctuation, symbols and emoji separate tokens
const NON_WORD_RE = /[^\p{L}\p{N}#@_]+/gu;
const INVISIBLE_RE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/gu;

// The same rules for text that is pure ASCII (most posts): NFKC and the invisible
// characters are no-ops there and the Unicode classes reduce to ASCII ones, and the
// non-Unicode regexps are several times faster.
// eslint-disable-next-line no-control-regex -- the whole ASCII range, controls included
const ASCII_RE = /^[\x00-\x7f]*$/;
const ASCII_URL_RE = /\bhttps?:\/\/\S+/gi;
const ASCII_NON_WORD_RE = /[^A-Za-z0-9#@_]+/g;

/** Lower-cased, link-free, punctuation-free text; tokens joined by single spaces. */
export function textKey(text: string): string {
  if (ASCII_RE.test(text)) {
    return text.replace(ASCII_URL_RE, ' ').toLowerCase().replace(ASCII_NON_WORD_RE, ' ').trim();
  }
  return text
    .normalize('NFKC')
    .replace(INVISIBLE_RE, '')
    .replace(URL_RE, ' ')
    .toLowerCase()
    .replace(NON_WORD_RE, ' ')
    .trim()
    .replace(/\s+/gu, ' ');
}

/**
 * textKey through a cache of keys by text, for a caller that analyses overlapping posts
 * again and again (a live window re-run as posts land): the cache is the caller's to bound.
 */
export function memoTextKey(memo: Map<string, string> | undefined): (text: string) => string {
  if (!memo) return textKey;
  return (text) => {
    let k = memo.get(text);
    if (k === undefined) memo.set(text, (k = textKey(text)));
    return k;
  };
}

const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/** Words, where a CJK character counts as one: Chinese does not put spaces between words. */
export function tokenCount(key: string): number {
  if (ASCII_RE.test(key)) return asciiWords(key);
  const cjk = key.match(CJK_RE)?.length ?? 0;
  const words = key.split(' ').filter((w) => w.replace(CJK_RE, '').length > 0).length;
  return words + cjk;
}

/** Runs of characters between spaces (what split(' ') leaves non-empty), without the arrays. */
function asciiWords(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const space = s.charCodeAt(i) === 32;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

