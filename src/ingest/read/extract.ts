/**
 * Links, hashtags and mentions read from post text, for inputs that do not list them. The rules
 * reproduce the reference data sets exactly (checked on all 288,166 posts of ira-2016q4,
 * debate-d1 and debate-d2): they were built with Python regexes, so "whitespace" and "word
 * character" here mean what Python's `\s` and `\w` mean on str.
 */

/** Python's str whitespace (str.isspace / re `\s`), which differs from JS `\s` (\x1c–\x1f, \x85 in; \ufeff out) */
export const PY_WS =
  '\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WORD = '\\p{L}\\p{N}_';

// `https?://` then anything but whitespace, quotes, angle brackets and the ellipsis of truncated texts.
const URL_RE = new RegExp(`https?://[^${PY_WS}'"<>…]+`, 'gu');
// After the `#` or `@` (found with indexOf; a sticky regex reads the word that follows).
const HASHTAG_WORD = new RegExp(`[${PY_WORD}]+`, 'uy');
// Handles are at most 15 characters: Python's `@(\w{1,15})` takes the first 15 of a longer run.
const MENTION_WORD = new RegExp(`[${PY_WORD}]{1,15}`, 'uy');
const PY_WS_CHAR = new RegExp(`^[${PY_WS}]$`);
const WORD_CHAR = new RegExp(`^[${PY_WORD}]$`, 'u');

/** the code point that ends just before index i > 0, as a string */
function charBefore(text: string, i: number): string {
  const c = text.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = text.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return text.slice(i - 2, i);
  }
  return text[i - 1];
}

function isAsciiWord(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f
  );
}

const URL_TRAILING = '.,;:!?)';

export function extractUrls(text: string): string[] {
  if (!text.includes('http')) return [];
  const out: string[] = [];
  URL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = URL_RE.exec(text)) !== null) {
    let u = m[0];
    let end = u.length;
    while (end > 0 && URL_TRAILING.includes(u[end - 1])) end--;
    if (end !== u.length) u = u.slice(0, end);
    out.push(u);
  }
  return out;
}

/** Python whitespace right before index i (all of it is in the BMP: one UTF-16 unit is enough). */
function whitespaceBefore(text: string, i: number): boolean {
  const c = text.charCodeAt(i - 1);
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  return PY_WS_CHAR.test(text[i - 1]);
}

/** A hashtag starts the text or follows whitespace (so `a#b` and `…#b` are not hashtags). */
export function extractHashtags(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf('#'); i !== -1; i = text.indexOf('#', i + 1)) {
    if (i > 0 && !whitespaceBefore(text, i)) continue;
    HASHTAG_WORD.lastIndex = i + 1;
    const m = HASHTAG_WORD.exec(text);
    if (m !== null) out.push(m[0].toLowerCase());
  }
  return out;
}

/** A mention is not preceded by a word character, so e-mail addresses are not mentions. */
export function extractMentions(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf('@'); i !== -1; i = text.indexOf('@', i + 1)) {
    if (i > 0) {
      const c = text.charCodeAt(i - 1);
      if (c < 0x80 ? isAsciiWord(c) : WORD_CHAR.test(charBefore(text, i))) continue;
    }
    MENTION_WORD.lastIndex = i + 1;
    const m = MENTION_WORD.exec(text);
    if (m !== null) out.push(m[0].toLowerCase());
  }
  return out;
}
