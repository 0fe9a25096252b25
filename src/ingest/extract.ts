/**
 * Links, hashtags and mentions read from post text, for inputs that do not list them. The rules
 * reproduce the reference data sets exactly (checked on all 288,166 posts of ira-2016q4,
 * debate-d1 and debate-d2): they were built with Python regexes, so "whitespace" and "word
 * character" here mean what Python's `\s` and `\w` mean on str.
 */

/** Python's str whitespace (str.isspace / re `\s`), which differs from JS `\s` (\x1c–\x1f, \x85 in; \ufeff out) */
export const PY_WS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WORD = '\\p{L}\\p{N}_';

// `https?://` then anything but whitespace, quotes, angle brackets and the ellipsis of truncated texts.
const URL_RE = new RegExp(`https?://[^${PY_WS}'"<>…]+`, 'gu');
// A hashtag starts the text or follows whitespace (so `a#b` and `…#b` are not hashtags).
const HASHTAG_RE = new RegExp(`(?<![^${PY_WS}])#([${PY_WORD}]+)`, 'gu');
// A mention is not preceded by a word character (so e-mail addresses are not mentions); handles are ≤ 15 chars.
const MENTION_RE = new RegExp(`(?<![${PY_WORD}])@([${PY_WORD}]{1,15})`, 'gu');

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

export function extractHashtags(text: string): string[] {
  if (!text.includes('#')) return [];
  const out: string[] = [];
  HASHTAG_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = HASHTAG_RE.exec(text)) !== null) out.push(m[1].toLowerCase());
  return out;
}

export function extractMentions(text: string): string[] {
  if (!text.includes('@')) return [];
  const out: string[] = [];
  MENTION_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = MENTION_RE.exec(text)) !== null) out.push(m[1].toLowerCase());
  return out;
}
