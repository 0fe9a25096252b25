import type { CorePost } from '../types.ts';
import { cntMessagePreprocess, cntTokensInto } from '../text/cnt-text.ts';
import { normaliseText, wordTokens } from '../text/normalise.ts';
import { shingleSet } from '../text/shingles.ts';
import { normaliseUrl } from '../url.ts';
import type { CoActionKind, ResolvedKindOptions } from './options.ts';
import { GroupBuilder, type Groups } from './groups.ts';
import type { ShingleSets } from './near-dup.ts';
import type { PreparedPosts } from './prepare.ts';
import type { TokenSets } from './similar-join.ts';

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

function postAt(prep: PreparedPosts, rank: number): CorePost {
  return prep.posts[prep.order[rank]];
}

function cached<T>(prep: PreparedPosts, key: string, make: () => T): T {
  let v = prep.cache.get(key) as T | undefined;
  if (v === undefined) {
    v = make();
    prep.cache.set(key, v);
  }
  return v;
}

/** Normalised text by rank ('' for reposts), shared by co_text, co_similar and co_reply. */
export function normalisedTexts(prep: PreparedPosts): string[] {
  return cached(prep, 'norm', () => {
    const out = new Array<string>(prep.n);
    for (let r = 0; r < prep.n; r++) {
      const p = postAt(prep, r);
      out[r] = p.repost_of !== null || typeof p.text !== 'string' ? '' : normaliseText(p.text);
    }
    return out;
  });
}

function postUrls(p: CorePost): readonly string[] {
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

/** Groups for the object-keyed kinds (everything but co_similar). */
export function objectGroups(prep: PreparedPosts, kind: CoActionKind, ko: ResolvedKindOptions, compat: boolean): Groups {
  const gb = new GroupBuilder(prep.n);
  const norm = kind === 'co_text' && !compat ? normalisedTexts(prep) : null;
  const urlCache = new Map<string, string | null>();
  for (let r = 0; r < prep.n; r++) {
    const p = postAt(prep, r);
    const original = p.repost_of === null || p.repost_of === undefined;
    switch (kind) {
      case 'co_repost':
        if (!original) gb.add(r, String(p.repost_of));
        break;
      case 'co_text':
        if (!original || typeof p.text !== 'string') break;
        if (compat) gb.add(r, cntMessagePreprocess(p.text));
        else {
          const text = norm![r];
          if (text.length > 0 && wordTokens(text).length >= ko.minTokens) gb.add(r, text);
        }
        break;
      case 'co_link': {
        if (!original) break;
        // CNT compares the URL strings it was given, verbatim; we normalise and fall back to the text.
        const urls = compat ? (Array.isArray(p.urls) ? p.urls : []) : postUrls(p);
        const seen: string[] = [];
        for (const u of urls) {
          if (typeof u !== 'string' || u.length === 0) continue;
          let key: string | null = u;
          if (!compat) {
            key = urlCache.get(u) ?? null;
            if (!urlCache.has(u)) {
              key = normaliseUrl(u);
              urlCache.set(u, key);
            }
          }
          if (key !== null && !seen.includes(key)) {
            seen.push(key);
            gb.add(r, key);
          }
        }
        break;
      }
      case 'co_reply':
        if (original && p.reply_to !== null && p.reply_to !== undefined && p.reply_to !== '') gb.add(r, String(p.reply_to));
        break;
      case 'co_hashtag_seq': {
        if (!original) break;
        const seq = hashtagSequence(p);
        if (seq.length >= ko.minHashtags) gb.add(r, '#' + seq.join(' #'));
        break;
      }
      case 'co_media': {
        if (!original || !Array.isArray(p.media_hashes)) break;
        const seen: string[] = [];
        for (const h of p.media_hashes) {
          if (typeof h === 'string' && h.length > 0 && !seen.includes(h)) {
            seen.push(h);
            gb.add(r, h);
          }
        }
        break;
      }
      case 'co_similar':
        throw new Error('co_similar has no object key; use shingleSets/cntTokenSets');
    }
  }
  return gb.build();
}

/**
 * Hashed word-shingle sets by rank for default co_similar / co_reply: original posts whose
 * normalised text has at least `minTokens` words. `onlyReplies` keeps replies only.
 */
export function shingleSets(prep: PreparedPosts, ko: ResolvedKindOptions, onlyReplies: boolean): ShingleSets & { itemOfRank: Int32Array } {
  const key = `sh:${ko.shingleSize}:${ko.minTokens}:${onlyReplies ? 'r' : 'a'}`;
  return cached(prep, key, () => {
    const norm = normalisedTexts(prep);
    const ranks: number[] = [];
    const parts: Uint32Array[] = [];
    const itemOfRank = new Int32Array(prep.n).fill(-1);
    let total = 0;
    for (let r = 0; r < prep.n; r++) {
      if (norm[r].length === 0) continue;
      if (onlyReplies) {
        const p = postAt(prep, r);
        if (p.reply_to === null || p.reply_to === undefined || p.reply_to === '') continue;
      }
      const words = wordTokens(norm[r]);
      if (words.length < ko.minTokens || words.length === 0) continue;
      const sh = shingleSet(words, ko.shingleSize);
      itemOfRank[r] = ranks.length;
      ranks.push(r);
      parts.push(sh);
      total += sh.length;
    }
    const start = new Int32Array(ranks.length + 1);
    const vals = new Uint32Array(total);
    for (let i = 0; i < parts.length; i++) {
      vals.set(parts[i], start[i]);
      start[i + 1] = start[i] + parts[i].length;
    }
    return { ranks: Int32Array.from(ranks), start, vals, itemOfRank };
  });
}

/** CNT token-id sets by rank for `--compat cnt` co_similar_tweet: original posts with ≥ 1 token. */
export function cntTokenSets(prep: PreparedPosts): TokenSets {
  const ids = new Map<string, number>();
  const ranks: number[] = [];
  let start = new Int32Array(1024);
  let vals = new Int32Array(16384);
  let nVals = 0;
  const tokens: string[] = [];
  let scratch = new Int32Array(256);
  for (let r = 0; r < prep.n; r++) {
    const p = postAt(prep, r);
    if ((p.repost_of !== null && p.repost_of !== undefined) || typeof p.text !== 'string') continue;
    tokens.length = 0;
    cntTokensInto(p.text, tokens);
    if (tokens.length === 0) continue;
    if (scratch.length < tokens.length) scratch = new Int32Array(tokens.length * 2);
    for (let k = 0; k < tokens.length; k++) {
      let id = ids.get(tokens[k]);
      if (id === undefined) {
        id = ids.size;
        ids.set(tokens[k], id);
      }
      scratch[k] = id;
    }
    const set = scratch.subarray(0, tokens.length).sort();
    if (nVals + set.length > vals.length) {
      const next = new Int32Array(Math.max(vals.length * 2, nVals + set.length));
      next.set(vals);
      vals = next;
    }
    let prev = -1;
    for (let k = 0; k < set.length; k++) {
      if (set[k] !== prev) vals[nVals++] = set[k];
      prev = set[k];
    }
    if (ranks.length + 2 > start.length) {
      const next = new Int32Array(start.length * 2);
      next.set(start);
      start = next;
    }
    ranks.push(r);
    start[ranks.length] = nVals;
  }
  return { ranks: Int32Array.from(ranks), start: start.slice(0, ranks.length + 1), vals: vals.slice(0, nVals), nTokens: ids.size };
}
