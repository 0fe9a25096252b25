/**
 * Text handling of coordination-network-toolkit (QUT Digital Observatory, `similarity.py`),
 * reproduced exactly for `--compat cnt`:
 *
 * - co_tweet compares `message_preprocessor(text)`: lowercase, drop @mentions (from `@` up to the
 *   next whitespace), split on whitespace, join with one space.
 * - co_similar_tweet compares token sets: the lowercased, mention-stripped text is split by the
 *   Python `regex` pattern `\b\p{Word_Break=WSegSpace}*'?` with the WORD flag, i.e. at every
 *   Unicode default word boundary (UAX #29 as the `regex` module implements it, including its
 *   apostrophe-before-vowel tweak), eating the spaces and one apostrophe after each boundary.
 *   The toolkit then joins the tokens with spaces and splits again on whitespace, so
 *   whitespace-only tokens (newlines, no-break spaces) vanish; punctuation tokens (".", "!",
 *   "/") stay.
 *
 * Two whitespace sets matter: Python's `str.split()` uses `str.isspace()` (which includes
 * U+001C–U+001F) while the mention regex's `\s` does not.
 */
import { FNV1A_OFFSET, fmix32, fnv1aStep } from './hash.ts';
import { WB, WB_EXT_PICT, wordBreakTable } from './word-break.ts';

/** `str.isspace()` code points (all in the BMP). */
const PY_SPACE = new Uint8Array(0x3001);
for (const c of [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]) {
  PY_SPACE[c] = 1;
}

export function isPySpace(c: number): boolean {
  return c <= 0x3000 && PY_SPACE[c] === 1;
}

/** The mention regex's `\s` (Unicode White_Space): `str.isspace()` without U+001C–U+001F. */
function isReSpace(c: number): boolean {
  return c <= 0x3000 && PY_SPACE[c] === 1 && (c < 0x1c || c > 0x1f);
}

// U+001C–U+001F are whitespace to Python's str.split(), so they belong here.
// eslint-disable-next-line no-control-regex
const PY_SPLIT_RE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * `social_media_cleaner.sub("", text.lower())`: each `@` and everything up to the next whitespace
 * goes. A hand loop: the equivalent global regex replace cost more than the whole tokeniser.
 */
function lowerNoMentions(text: string): string {
  const lower = text.toLowerCase();
  let at = lower.indexOf('@');
  if (at === -1) return lower;
  // join() yields a flat string; `+=` would leave a rope that makes every later charCodeAt slow.
  const parts: string[] = [];
  let from = 0;
  while (at !== -1) {
    parts.push(lower.slice(from, at));
    let e = at + 1;
    while (e < lower.length && !isReSpace(lower.charCodeAt(e))) e++;
    from = e;
    at = lower.indexOf('@', e);
  }
  parts.push(lower.slice(from));
  return parts.join('');
}

/** CNT's `message_preprocessor`: the co_tweet key. */
export function cntMessagePreprocess(text: string): string {
  const cleaned = lowerNoMentions(text);
  // Most texts are already in shape (single ASCII spaces between words): one scan, no split/join.
  const len = cleaned.length;
  let inShape = len > 0 && cleaned.charCodeAt(0) !== 0x20 && cleaned.charCodeAt(len - 1) !== 0x20;
  for (let i = 0, prev = 0; inShape && i < len; i++) {
    const c = cleaned.charCodeAt(i);
    if (c === 0x20) inShape = prev !== 0x20;
    else if (c <= 0x3000 && PY_SPACE[c] === 1) inShape = false;
    prev = c;
  }
  if (inShape) return cleaned;
  const parts = cleaned.split(PY_SPLIT_RE);
  // Splitting on runs leaves empty strings only at the ends.
  const from = parts[0] === '' ? 1 : 0;
  const to = parts.length > from && parts[parts.length - 1] === '' ? parts.length - 1 : parts.length;
  return from === 0 && to === parts.length ? parts.join(' ') : parts.slice(from, to).join(' ');
}

// Scratch buffers reused across calls: tokenising half a million posts should not allocate three
// typed arrays per post.
let cpBuf = new Int32Array(1024);
let offBuf = new Int32Array(1025);
let clsBuf = new Uint8Array(1024);

function ensureCapacity(n: number): void {
  if (cpBuf.length >= n) return;
  let size = cpBuf.length;
  while (size < n) size *= 2;
  cpBuf = new Int32Array(size);
  offBuf = new Int32Array(size + 1);
  clsBuf = new Uint8Array(size);
}

// Local copies: reading the imported object inside the per-character loop costs a property
// lookup (a getter call under tsx) every time.
const OTHER_NONE = -1;
const CR = WB.CR;
const LF = WB.LF;
const NEWLINE = WB.Newline;
const EXTEND = WB.Extend;
const ZWJ = WB.ZWJ;
const RI = WB.RegionalIndicator;
const FORMAT = WB.Format;
const KATAKANA = WB.Katakana;
const HEBREW = WB.HebrewLetter;
const ALETTER = WB.ALetter;
const SQUOTE = WB.SingleQuote;
const DQUOTE = WB.DoubleQuote;
const MIDNUMLET = WB.MidNumLet;
const MIDLETTER = WB.MidLetter;
const MIDNUM = WB.MidNum;
const NUMERIC = WB.Numeric;
const EXTNUMLET = WB.ExtendNumLet;
const WSEG = WB.WSegSpace;
const EXT_PICT = WB_EXT_PICT;

const isAH = (v: number): boolean => v === ALETTER || v === HEBREW;
const isMidNumLetQ = (v: number): boolean => v === MIDNUMLET || v === SQUOTE;
const isIgnorable = (v: number): boolean => v === EXTEND || v === FORMAT || v === ZWJ;
const isLineBreak = (v: number): boolean => v === NEWLINE || v === CR || v === LF;
const isApostrophe = (c: number): boolean => c === 0x27 || c === 0x2019;

/** The `regex` module's `is_unicode_vowel`: a few Latin vowels, either case. */
function isVowel(c: number): boolean {
  const l = (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xde) ? c + 0x20 : c;
  switch (l) {
    case 0x61: case 0xe0: case 0xe1: case 0xe2:
    case 0x65: case 0xe8: case 0xe9: case 0xea:
    case 0x69: case 0xec: case 0xed: case 0xee:
    case 0x6f: case 0xf2: case 0xf3: case 0xf4:
    case 0x75: case 0xf9: case 0xfa: case 0xfb:
      return true;
    default:
      return false;
  }
}

/**
 * Port of `unicode_at_default_boundary` from the `regex` module (rules WB1–WB999 with its quirks:
 * WB4 skips ignorables on the left only, WB6/7/11/12 look one code point further without skipping,
 * WB15/16 counts regional indicators on the left whatever is on the right).
 */
function atBoundary(pos: number, n: number, cp: Int32Array, cls: Uint8Array, table: Uint8Array): boolean {
  if (pos <= 0 || pos >= n) return n > 0;
  let lp = pos - 1;
  const rp = pos;
  let lc = cp[lp];
  const rc = cp[rp];
  let l = cls[lp];
  const r = cls[rp];
  if (l === CR && r === LF) return false;
  if (isLineBreak(l) || isLineBreak(r)) return true;
  if (l === ZWJ && (table[rc] & EXT_PICT) !== 0) return false;
  if (l === WSEG && r === WSEG) return false;
  if (isIgnorable(r)) return false;
  while (isIgnorable(l)) {
    if (lp <= 0) return false;
    lp--;
    lc = cp[lp];
    l = cls[lp];
  }
  if (isAH(l) && isAH(r)) return false;
  if (isApostrophe(lc) && isVowel(rc)) return false;
  const rr = rp + 1 < n ? cls[rp + 1] : OTHER_NONE;
  const ll = lp - 1 >= 0 ? cls[lp - 1] : OTHER_NONE;
  if (isAH(l) && (r === MIDLETTER || isMidNumLetQ(r)) && isAH(rr)) return false;
  if (isAH(ll) && (l === MIDLETTER || isMidNumLetQ(l)) && isAH(r)) return false;
  if (l === HEBREW && r === SQUOTE) return false;
  if (l === HEBREW && r === DQUOTE && rr === HEBREW) return false;
  if (ll === HEBREW && l === DQUOTE && r === HEBREW) return false;
  if (l === NUMERIC && r === NUMERIC) return false;
  if (isAH(l) && r === NUMERIC) return false;
  if (l === NUMERIC && isAH(r)) return false;
  if (ll === NUMERIC && (l === MIDNUM || isMidNumLetQ(l)) && r === NUMERIC) return false;
  if (l === NUMERIC && (r === MIDNUM || isMidNumLetQ(r)) && rr === NUMERIC) return false;
  if (l === KATAKANA && r === KATAKANA) return false;
  if ((isAH(l) || l === NUMERIC || l === KATAKANA || l === EXTNUMLET) && r === EXTNUMLET) return false;
  if (l === EXTNUMLET && (isAH(r) || r === NUMERIC || r === KATAKANA)) return false;
  let p = lp;
  while (p >= 0 && cls[p] === RI) p--;
  if ((lp - p) % 2 === 1) return false;
  return true;
}

const QUICK_NO_BREAK = 0;
const QUICK_BREAK = 1;
const QUICK_RULES = 2;
/**
 * Boundary decision by the class pair alone, where no rule looks further than the two code points:
 * both sides among Other/ALetter/Numeric/WSegSpace (the bulk of any text). Everything else goes
 * through `atBoundary`.
 */
const QUICK = (() => {
  const q = new Uint8Array(32 * 32).fill(QUICK_RULES);
  const simple = [WB.Other, ALETTER, NUMERIC, WSEG];
  for (const l of simple) {
    for (const r of simple) {
      const word = (x: number): boolean => x === ALETTER || x === NUMERIC;
      q[(l << 5) | r] = (word(l) && word(r)) || (l === WSEG && r === WSEG) ? QUICK_NO_BREAK : QUICK_BREAK;
    }
  }
  return q;
})();

function pushPieces(token: string, out: string[]): void {
  for (let i = 0; i < token.length; i++) {
    if (isPySpace(token.charCodeAt(i))) {
      for (const piece of token.split(PY_SPLIT_RE)) if (piece.length > 0) out.push(piece);
      return;
    }
  }
  out.push(token);
}

/**
 * Calls `emit(from, to)` for each token of `s` (already lowercased and mention-stripped) in UTF-16
 * offsets: the pieces between the boundary matches of `\b\p{Word_Break=WSegSpace}*'?`.
 */
function segment(s: string, emit: (from: number, to: number) => void): void {
  const table = wordBreakTable();
  const n = decode(s, table);
  const cp = cpBuf;
  const off = offBuf;
  const cls = clsBuf;
  let tokStart = 0;
  let p = 0;
  while (p <= n) {
    const quick = p > 0 && p < n ? QUICK[(cls[p - 1] << 5) | cls[p]] : QUICK_RULES;
    if (quick === QUICK_BREAK || (quick === QUICK_RULES && atBoundary(p, n, cp, cls, table))) {
      let e = p;
      while (e < n && cls[e] === WSEG) e++;
      if (e < n && cp[e] === 0x27) e++;
      if (p > tokStart) emit(off[tokStart], off[p]);
      tokStart = e;
      if (e > p) {
        p = e;
        continue;
      }
    }
    p++;
  }
  if (tokStart < n) emit(off[tokStart], off[n]);
}

/**
 * Appends to `out` the tokens CNT's `similarity()` sees for this text, in text order and with
 * repeats.
 */
export function cntTokensInto(text: string, out: string[]): void {
  const s = lowerNoMentions(text);
  segment(s, (from, to) => pushPieces(s.slice(from, to), out));
}

/** Growable pair of 32-bit hash columns. */
export interface TokenHashes {
  h1: Uint32Array;
  h2: Uint32Array;
  n: number;
}

export function newTokenHashes(): TokenHashes {
  return { h1: new Uint32Array(256), h2: new Uint32Array(256), n: 0 };
}

function pushHash(out: TokenHashes, a: number, b: number, len: number): void {
  if (out.n === out.h1.length) {
    const h1 = new Uint32Array(out.n * 2);
    const h2 = new Uint32Array(out.n * 2);
    h1.set(out.h1);
    h2.set(out.h2);
    out.h1 = h1;
    out.h2 = h2;
  }
  out.h1[out.n] = fmix32((a ^ len) >>> 0);
  out.h2[out.n] = fmix32((b + Math.imul(len, 0x9e3779b9)) >>> 0);
  out.n++;
}

/** Code points of `s` into the scratch arrays (with Word_Break classes); returns their count. */
function decode(s: string, table: Uint8Array): number {
  ensureCapacity(s.length);
  const cp = cpBuf;
  const off = offBuf;
  const cls = clsBuf;
  let n = 0;
  for (let i = 0; i < s.length; ) {
    let c = s.charCodeAt(i);
    off[n] = i;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i += 2;
      } else i += 1;
    } else i += 1;
    cp[n] = c;
    cls[n] = table[c] & 0x1f;
    n++;
  }
  off[n] = s.length;
  return n;
}

const H1_SEED = FNV1A_OFFSET;
const H2_SEED = 0x2545f491;

/** 64-bit (two 32-bit halves) hash of a token given as code points, as cntTokenHashesInto computes it. */
export function cntTokenHash(token: string): [number, number] {
  let a = H1_SEED;
  let b = H2_SEED;
  let len = 0;
  for (const ch of token) {
    const c = ch.codePointAt(0)!;
    a = fnv1aStep(a, c);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
    len++;
  }
  return [fmix32((a ^ len) >>> 0), fmix32((b + Math.imul(len, 0x9e3779b9)) >>> 0)];
}

/**
 * The same tokens as `cntTokensInto`, as two independent 32-bit hashes each (64 bits together:
 * across millions of distinct tokens a collision is a ~10⁻⁷ event), without creating a string per
 * token — the co_similar_tweet hot path. Segmentation and hashing are one pass: each code point
 * is hashed into the current token as the boundary scan passes it.
 */
export function cntTokenHashesInto(text: string, out: TokenHashes): void {
  const s = lowerNoMentions(text);
  const table = wordBreakTable();
  const n = decode(s, table);
  const cp = cpBuf;
  const cls = clsBuf;
  let a = H1_SEED;
  let b = H2_SEED;
  let len = 0;
  let p = 0;
  while (p < n || (p === n && n > 0)) {
    const boundary = p > 0 && p < n ? QUICK[(cls[p - 1] << 5) | cls[p]] : QUICK_RULES;
    if (boundary === QUICK_BREAK || (boundary === QUICK_RULES && atBoundary(p, n, cp, cls, table))) {
      if (len > 0) pushHash(out, a, b, len);
      a = H1_SEED;
      b = H2_SEED;
      len = 0;
      if (p === n) break;
      let e = p;
      while (e < n && cls[e] === WSEG) e++;
      if (e < n && cp[e] === 0x27) e++;
      if (e > p) {
        p = e;
        continue;
      }
    }
    const c = cp[p];
    if (c <= 0x3000 && PY_SPACE[c] === 1) {
      // whitespace inside a token (a newline, a no-break space) splits it, as CNT's str.split() does
      if (len > 0) pushHash(out, a, b, len);
      a = H1_SEED;
      b = H2_SEED;
      len = 0;
    } else {
      a = fnv1aStep(a, c);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
      len++;
    }
    p++;
  }
}

/** The distinct CNT tokens of a text, sorted by UTF-16 code units (for tests and explanations). */
export function cntTokenSet(text: string): string[] {
  const out: string[] = [];
  cntTokensInto(text, out);
  return [...new Set(out)].sort();
}
