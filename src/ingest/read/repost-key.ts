import crypto from 'node:crypto';
import { PY_WS } from './extract.ts';

/**
 * Synthetic repost keys for inputs that carry a retweet's text but not the id of what it retweets.
 * They reproduce the keys of the reference sets (ira-2016q4, debate-d1/d2) exactly, so the same
 * retweet read from raw data and from the canonical set lands on the same `repost_of`:
 * `rt_` + the first 20 hex digits of md5 over the whitespace-normalised text (runs of Python
 * whitespace → one space, ends trimmed).
 */

const WS_RUN = new RegExp(`[${PY_WS}]+`, 'g');
// "RT @user:" — `\w` as Python has it on str
const RT_PREFIX = /^RT @[\p{L}\p{N}_]+:/u;

type HashFn = (algorithm: string, data: string, encoding: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: HashFn }).hash;

function md5Hex(s: string): string {
  return oneShot !== undefined
    ? oneShot('md5', s, 'hex')
    : crypto.createHash('md5').update(s).digest('hex');
}

/** Python's `' '.join(s.split())` */
export function normalizeWhitespace(s: string): string {
  let t = s.replace(WS_RUN, ' ');
  if (t.length > 0 && t.charCodeAt(0) === 0x20) t = t.slice(1);
  if (t.length > 0 && t.charCodeAt(t.length - 1) === 0x20) t = t.slice(0, -1);
  return t;
}

/** IRA retweets (FiveThirtyEight and per-author data): the key is over the whole text as the data gives it. */
export function iraRepostKey(text: string): string {
  return 'rt_' + md5Hex(normalizeWhitespace(text)).slice(0, 20);
}

/**
 * Old-style `RT @user: text…` retweets (the Pitt debate panel): the key is over the text after the
 * prefix, with the trailing ellipsis of truncated retweets removed, so a truncated and a full copy
 * of the same retweet agree more often. null when the text is not such a retweet.
 */
export function rtPrefixRepostKey(text: string): string | null {
  if (text.charCodeAt(0) !== 0x52 || !text.startsWith('RT @')) return null;
  const m = RT_PREFIX.exec(text);
  if (m === null) return null;
  let rest = normalizeWhitespace(text.slice(m[0].length));
  let end = rest.length;
  while (end > 0 && rest.charCodeAt(end - 1) === 0x2026) end--;
  rest = normalizeWhitespace(rest.slice(0, end));
  return 'rt_' + md5Hex(rest).slice(0, 20);
}
