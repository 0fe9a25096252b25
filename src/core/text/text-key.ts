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
  const plain = plainKey(text);
  if (plain !== undefined) return plain;
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

/**
 * The key of a plain text (most posts) in one pass, without the regexps: words of
 * [A-Za-z0-9#@_] separated by runs of ASCII punctuation, spaces and emoji (isPlainSymbol),
 * no `:` but in one link (`http(s)://`, ASCII up to the next space) after the last word.
 * Then every rule of textKey comes to the same thing: NFKC and the invisible characters are
 * no-ops (the emoji are NFKC-stable starters), the link goes, each run of separators becomes
 * a single space (a single space stays as it is), trim drops the ends: the key is the words
 * lower-cased, joined by single spaces. Undefined for any other text (textKey's regexps decide).
 * The key's word count is kept for tokenCount (lastPlainKey).
 */
export function plainKey(text: string): string | undefined {
  const n = text.length;
  // the words since the last separator other than a single space: text.slice(start, end)
  let start = -1;
  let end = 0;
  // the words before that, joined by single spaces
  let before: string | undefined;
  let upper = false;
  let words = 0;
  // separators since the last word character: how many code units, and whether a single space
  let gap = 0;
  let space = false;
  // past a link: only separators may follow
  let linked = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (WORD_CHAR[c] === 1) {
        if (start < 0 || gap > 0) {
          // a word begins (after a non-word character: a \b for the link pattern)
          if (linked) return undefined;
          if ((c | 32) === 104) {
            const u = linkEnd(text, i);
            if (u < 0) return undefined;
            if (u > 0) {
              linked = true;
              gap++;
              space = false;
              i = u - 1;
              continue;
            }
          }
          if (start < 0) start = i;
          else if (gap !== 1 || !space) {
            const piece = text.slice(start, end);
            before = before === undefined ? piece : before + ' ' + piece;
            start = i;
          }
          words++;
          gap = 0;
        }
        if (c <= 90 && c >= 65) upper = true;
        end = i + 1;
      } else {
        if (c === 58) return undefined; // `:` outside a link
        gap++;
        space = c === 32;
      }
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d < 0xdc00 || d > 0xdfff || !isPlainSymbol(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)) {
        return undefined;
      }
      i++;
      gap += 2;
      space = false;
    } else return undefined;
  }
  if (start < 0) return '';
  let key = start === 0 && end === n ? text : text.slice(start, end);
  if (before !== undefined) key = before + ' ' + key;
  if (upper) key = key.toLowerCase();
  lastPlainKey = key;
  lastPlainWords = words;
  return key;
}

/**
 * Where the link /\bhttps?:\/\/\S+/i starting at i ends (the next space, or the text's end),
 * for a link of ASCII; 0 if none starts there; -1 if one may but is not ASCII.
 */
function linkEnd(text: string, i: number): number {
  const n = text.length;
  if (i + 7 >= n || (text.charCodeAt(i + 1) | 32) !== 116 || (text.charCodeAt(i + 2) | 32) !== 116) return 0;
  if ((text.charCodeAt(i + 3) | 32) !== 112) return 0;
  let j = i + 4;
  if ((text.charCodeAt(j) | 32) === 115) j++;
  if (text.charCodeAt(j) !== 58 || text.charCodeAt(j + 1) !== 47 || text.charCodeAt(j + 2) !== 47) return 0;
  j += 3;
  // \S+: at least one character that is not a space, then up to the next space
  const from = j;
  for (; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c >= 128) return -1;
    if (c === 32 || (c >= 9 && c <= 13)) break;
  }
  return j > from ? j : 0;
}

/** [A-Za-z0-9#@_] by char code */
const WORD_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  WORD_CHAR[c] = /[A-Za-z0-9#@_]/.test(String.fromCharCode(c)) ? 1 : 0;
}

/**
 * Emoji and pictographs (regional indicators, U+1F300-U+1FAFF): no letter or number among
 * them, each its own NFKC form and lower case, and none combines with what is around it
 * (the text-key unit test checks every one).
 */
export function isPlainSymbol(cp: number): boolean {
  return (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x1f1e6 && cp <= 0x1f1ff);
}

/** the last key plainKey made, and its words (what tokenCount would count) */
let lastPlainKey: string | undefined;
let lastPlainWords = 0;

/** Words, where a CJK character counts as one: Chinese does not put spaces between words. */
export function tokenCount(key: string): number {
  // the key textKey just made (co_text counts the words of every key it makes): counted then
  if (key === lastPlainKey) return lastPlainWords;
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

