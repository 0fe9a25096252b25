import type { CorePost } from '../types.ts';
import { cntTokenHashesInto, newTokenHashes } from '../text/cnt-text.ts';
import { normaliseText } from '../text/normalise.ts';
import { newWordHashes, shinglesOfHashes, wordCount as countWords, wordHashesInto } from '../text/words.ts';
import type { ResolvedKindOptions } from './options.ts';
import type { ShingleSets } from './near-dup.ts';
import type { PreparedPosts } from './prepare.ts';
import type { TokenSets } from './similar-join.ts';
import type { TextFacts, TextMemo } from './text-memo.ts';

/**
 * What each kind treats as "the same object", per mode.
 *
 * Reposts carry someone else's text, links and media, so every kind except co_repost looks at
 * original posts only (as CNT does for co_tweet, co_link and co_similar_tweet).
 */

const URL_IN_TEXT_RE = /https?:\/\/[^\s<>"]+/gu;
const HASHTAG_IN_TEXT_RE = /#([\p{L}\p{N}\p{M}_]+)/gu;
/** Objects quoted in evidence are cut here: a 100 KB post must not become 100 KB per evidence row. */
const MAX_OBJECT_LABEL = 280;

export function labelOf(s: string): string {
  return s.length <= MAX_OBJECT_LABEL ? s : s.slice(0, MAX_OBJECT_LABEL - 1) + '…';
}

/**
 * Visits the posts that take part in input order (memory order: at millions of posts, walking
 * them in time order would be a cache miss per post) with their time rank.
 */
export function forEachPost(prep: PreparedPosts, visit: (p: CorePost, rank: number) => void): void {
  const { posts, rankOf } = prep;
  for (let i = 0; i < posts.length; i++) {
    const r = rankOf[i];
    if (r >= 0) visit(posts[i], r);
  }
}

export function isOriginal(p: CorePost): boolean {
  return p.repost_of === null || p.repost_of === undefined;
}

function cached<T>(prep: PreparedPosts, key: string, make: () => T): T {
  let v = prep.cache.get(key) as T | undefined;
  if (v === undefined) {
    v = make();
    prep.cache.set(key, v);
  }
  return v;
}

/**
 * By rank: 1 for original posts with text that have an original post by ANOTHER account within
 * ±window. Only those can take part in a text-based co-action, so the costly text work (CNT
 * tokenising, normalisation, shingling) skips the rest — on a quiet stretch, most posts. Exact:
 * it removes no possible pair.
 */
export function originalsWithPartner(prep: PreparedPosts, window: number): Uint8Array {
  return cached(prep, `partner:${window}`, () => {
    const { n, t, acc } = prep;
    const orig = new Uint8Array(n);
    forEachPost(prep, (p, r) => {
      if (isOriginal(p) && typeof p.text === 'string') orig[r] = 1;
    });
    return withPartnerByRank(n, t, acc, prep.accounts.length, orig, window);
  });
}

/**
 * By rank: 1 where `orig` is set and an `orig` post of another account lies within ±window (a
 * sliding window over the time-ordered ranks counting distinct accounts).
 */
export function withPartnerByRank(n: number, t: Float64Array, acc: Int32Array, accounts: number, orig: Uint8Array, window: number): Uint8Array {
  const out = new Uint8Array(n);
  const count = new Int32Array(accounts);
  let distinct = 0;
  let lo = 0;
  let hi = 0;
  for (let r = 0; r < n; r++) {
    if (!orig[r]) continue;
    while (hi < n && t[hi] <= t[r] + window) {
      if (orig[hi] && count[acc[hi]]++ === 0) distinct++;
      hi++;
    }
    while (t[lo] < t[r] - window) {
      if (orig[lo] && --count[acc[lo]] === 0) distinct--;
      lo++;
    }
    if (distinct >= 2) out[r] = 1;
  }
  return out;
}

/**
 * Per rank, each post's normalised text and word count once derived, whatever window asked:
 * co_text asks for the posts with a partner within its reach (under significance, the whole
 * span), co_similar and co_reply within Δ, and each text is normalised and counted once.
 */
interface RankTexts {
  /** normaliseText(text) by rank, where `done` */
  norm: string[];
  done: Uint8Array;
  /** wordTokens(norm).length by rank, −1 until counted */
  words: Int32Array;
}

function rankTexts(prep: PreparedPosts): RankTexts {
  return cached(prep, 'texts', () => ({ norm: new Array<string>(prep.n).fill(''), done: new Uint8Array(prep.n), words: new Int32Array(prep.n).fill(-1) }));
}

/**
 * Normalised text by rank, shared by co_text, co_similar and co_reply: '' for reposts and for
 * originals with no other account's original within ±window (see originalsWithPartner).
 */
export function normalisedTexts(prep: PreparedPosts, window: number): string[] {
  return cached(prep, `norm:${window}`, () => {
    const partner = originalsWithPartner(prep, window);
    const out = new Array<string>(prep.n).fill('');
    const memo = prep.texts;
    const { posts, rankOf } = prep;
    if (memo) {
      for (let i = 0; i < posts.length; i++) {
        const r = rankOf[i];
        if (r >= 0 && partner[r]) out[r] = textFacts(memo, posts[i].text).norm;
      }
      return out;
    }
    const store = rankTexts(prep);
    const { norm, done } = store;
    for (let i = 0; i < posts.length; i++) {
      const r = rankOf[i];
      if (r < 0 || !partner[r]) continue;
      if (!done[r]) {
        norm[r] = normaliseText(posts[i].text);
        done[r] = 1;
      }
      out[r] = norm[r];
    }
    return out;
  });
}

/** A text's facts from the caller's memo, its normalised text and word count derived on a miss. */
export function textFacts(memo: TextMemo, text: string): TextFacts {
  let f = memo.get(text);
  if (f === undefined) {
    const norm = normaliseText(text);
    f = { norm, words: countWords(norm), shingles: null, shingleK: 0, bands: null, bandsOf: '' };
    memo.set(text, f);
  }
  return f;
}

/** wordTokens(normalised text of the post at `rank`).length (normalisedTexts), from the memo when there is one. */
export function wordCount(prep: PreparedPosts, norm: readonly string[], p: CorePost, rank: number): number {
  const text = norm[rank];
  if (text.length === 0) return 0;
  if (prep.texts) return textFacts(prep.texts, p.text).words;
  const words = rankTexts(prep).words;
  let w = words[rank];
  if (w < 0) words[rank] = w = countWords(text);
  return w;
}

export function postUrls(p: CorePost): readonly string[] {
  if (Array.isArray(p.urls) && p.urls.length > 0) return p.urls;
  if (typeof p.text === 'string' && p.text.includes('http')) return p.text.match(URL_IN_TEXT_RE) ?? [];
  return [];
}

/** Hashtag sequence: NFKC, lowercase, without '#', repeats dropped, order kept. */
export function hashtagSequence(p: CorePost): string[] {
  let raw: readonly string[] = Array.isArray(p.hashtags) ? p.hashtags : [];
  if (raw.length === 0 && typeof p.text === 'string' && p.text.includes('#')) {
    raw = [...p.text.matchAll(HASHTAG_IN_TEXT_RE)].map((m) => m[1]);
  }
  const seq: string[] = [];
  for (const h of raw) {
    if (typeof h !== 'string') continue;
    const tag = h.normalize('NFKC').toLowerCase().replace(/^#+/, '');
    if (tag.length > 0 && !seq.includes(tag)) seq.push(tag);
  }
  return seq;
}

/**
 * Hashed word-shingle sets by rank for default co_similar / co_reply: original posts whose
 * normalised text has at least `minTokens` words. `onlyReplies` keeps replies only. Kept in the
 * posts' cache for the kinds that ask again; `shingleSetsOnce` builds them for one use.
 */
export function shingleSets(prep: PreparedPosts, ko: ResolvedKindOptions, onlyReplies: boolean): ShingleSets & { itemOfRank: Int32Array } {
  const key = `sh:${ko.window}:${ko.shingleSize}:${ko.minTokens}:${onlyReplies ? 'r' : 'a'}`;
  return cached(prep, key, () => shingleSetsOnce(prep, ko, onlyReplies));
}

export function shingleSetsOnce(prep: PreparedPosts, ko: ResolvedKindOptions, onlyReplies: boolean): ShingleSets & { itemOfRank: Int32Array } {
  const norm = normalisedTexts(prep, ko.window);
  const { posts, rankOf } = prep;
  const memo = prep.texts;
  if (memo) {
    const byRank = new Array<Uint32Array | undefined>(prep.n);
    const factsByRank = new Array<TextFacts | undefined>(prep.n);
    const w = newWordHashes();
    for (let i = 0; i < posts.length; i++) {
      const r = rankOf[i];
      if (r < 0 || norm[r].length === 0) continue;
      const p = posts[i];
      if (onlyReplies && (p.reply_to === null || p.reply_to === undefined || p.reply_to === '')) continue;
      // norm[r] is f.norm: both are normaliseText(p.text)
      const f = textFacts(memo, p.text);
      if (f.words < ko.minTokens || f.words === 0) continue;
      if (f.shingles === null || f.shingleK !== ko.shingleSize) {
        wordHashesInto(f.norm, w);
        const sh = new Uint32Array(w.n);
        f.shingles = sh.slice(0, shinglesOfHashes(w, ko.shingleSize, sh));
        f.shingleK = ko.shingleSize;
        f.bands = null;
      }
      byRank[r] = f.shingles;
      factsByRank[r] = f;
    }
    const ranks: number[] = [];
    const facts: TextFacts[] = [];
    const itemOfRank = new Int32Array(prep.n).fill(-1);
    let total = 0;
    for (let r = 0; r < prep.n; r++) {
      const sh = byRank[r];
      if (!sh) continue;
      itemOfRank[r] = ranks.length;
      ranks.push(r);
      facts.push(factsByRank[r]!);
      total += sh.length;
    }
    const start = new Int32Array(ranks.length + 1);
    const vals = new Uint32Array(total);
    for (let i = 0; i < ranks.length; i++) {
      const sh = byRank[ranks[i]]!;
      vals.set(sh, start[i]);
      start[i + 1] = start[i] + sh.length;
    }
    return { ranks: Int32Array.from(ranks), start, vals, itemOfRank, facts };
  }
  // no memo: each post's set goes straight into one pool (input order), located by rank, then
  // the pool is laid out in rank order; no array per post
  const words = rankTexts(prep).words;
  const w = newWordHashes();
  let scratch = new Uint32Array(256);
  const setStart = new Int32Array(prep.n).fill(-1);
  const setLen = new Int32Array(prep.n);
  let pool = new Uint32Array(1 << 16);
  let used = 0;
  let items = 0;
  for (let i = 0; i < posts.length; i++) {
    const r = rankOf[i];
    if (r < 0) continue;
    const text = norm[r];
    if (text.length === 0) continue;
    if (onlyReplies) {
      const to = posts[i].reply_to;
      if (to === null || to === undefined || to === '') continue;
    }
    const m = wordHashesInto(text, w);
    words[r] = m;
    if (m < ko.minTokens || m === 0) continue;
    if (scratch.length < m) scratch = new Uint32Array(m * 2);
    const len = shinglesOfHashes(w, ko.shingleSize, scratch);
    if (used + len > pool.length) {
      const next = new Uint32Array(Math.max(pool.length * 2, used + len));
      next.set(pool.subarray(0, used));
      pool = next;
    }
    pool.set(scratch.subarray(0, len), used);
    setStart[r] = used;
    setLen[r] = len;
    used += len;
    items++;
  }
  const ranks = new Int32Array(items);
  const start = new Int32Array(items + 1);
  const vals = new Uint32Array(used);
  const itemOfRank = new Int32Array(prep.n).fill(-1);
  for (let r = 0, k = 0; r < prep.n; r++) {
    if (setStart[r] < 0) continue;
    ranks[k] = r;
    itemOfRank[r] = k;
    vals.set(pool.subarray(setStart[r], setStart[r] + setLen[r]), start[k]);
    start[k + 1] = start[k] + setLen[r];
    k++;
  }
  return { ranks, start, vals, itemOfRank };
}

/** Interns 64-bit token hashes (two 32-bit halves) to dense ids (also the columnar CNT path's). */
export class HashIds {
  private index = new Int32Array(1 << 16);
  private mask = (1 << 16) - 1;
  private h1 = new Uint32Array(1 << 15);
  private h2 = new Uint32Array(1 << 15);
  size = 0;

  id(a: number, b: number): number {
    let slot = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const v = this.index[slot];
      if (v === 0) break;
      if (this.h1[v - 1] === a && this.h2[v - 1] === b) return v - 1;
      slot = (slot + 1) & this.mask;
    }
    const id = this.size++;
    if (id === this.h1.length) {
      const h1 = new Uint32Array(id * 2);
      const h2 = new Uint32Array(id * 2);
      h1.set(this.h1);
      h2.set(this.h2);
      this.h1 = h1;
      this.h2 = h2;
    }
    this.h1[id] = a;
    this.h2[id] = b;
    this.index[slot] = id + 1;
    if (this.size * 2 > this.index.length) {
      const size = this.index.length * 2;
      this.index = new Int32Array(size);
      this.mask = size - 1;
      for (let k = 0; k < this.size; k++) {
        let s = (this.h1[k] ^ Math.imul(this.h2[k], 0x9e3779b1)) & this.mask;
        while (this.index[s] !== 0) s = (s + 1) & this.mask;
        this.index[s] = k + 1;
      }
    }
    return id;
  }
}

/**
 * CNT token-id sets for `--compat cnt` co_similar_tweet: original posts with ≥ 1 token and a
 * possible partner within the window (originalsWithPartner), in rank order. Tokens are identified by 64-bit hashes (see `cntTokenHashesInto`), never materialised as
 * strings.
 */
export function cntTokenSets(prep: PreparedPosts, window: number): TokenSets {
  const partner = originalsWithPartner(prep, window);
  const ids = new HashIds();
  const hashes = newTokenHashes();
  let scratch = new Int32Array(256);
  // per post, in input order: its set in `tmp`, located by rank
  const setStart = new Int32Array(prep.n).fill(-1);
  const setLen = new Int32Array(prep.n);
  let tmp = new Int32Array(1 << 16);
  let used = 0;
  let items = 0;
  forEachPost(prep, (p, r) => {
    if (!partner[r]) return;
    hashes.n = 0;
    cntTokenHashesInto(p.text, hashes);
    const m = hashes.n;
    if (m === 0) return;
    if (scratch.length < m) scratch = new Int32Array(m * 2);
    for (let k = 0; k < m; k++) scratch[k] = ids.id(hashes.h1[k], hashes.h2[k]);
    const set = scratch.subarray(0, m).sort();
    if (used + m > tmp.length) {
      const next = new Int32Array(Math.max(tmp.length * 2, used + m));
      next.set(tmp);
      tmp = next;
    }
    const from = used;
    let prev = -1;
    for (let k = 0; k < m; k++) {
      if (set[k] !== prev) tmp[used++] = set[k];
      prev = set[k];
    }
    setStart[r] = from;
    setLen[r] = used - from;
    items++;
  });
  const ranks = new Int32Array(items);
  const start = new Int32Array(items + 1);
  const vals = new Int32Array(used);
  for (let r = 0, i = 0; r < prep.n; r++) {
    if (setStart[r] < 0) continue;
    ranks[i] = r;
    vals.set(tmp.subarray(setStart[r], setStart[r] + setLen[r]), start[i]);
    start[i + 1] = start[i] + setLen[r];
    i++;
  }
  return { ranks, start, vals, nTokens: ids.size };
}
