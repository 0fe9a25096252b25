import type { CanonicalAccount, CanonicalPost } from '../../core/types.ts';
import { extractHashtags, extractMentions, extractUrls } from './extract.ts';
import { formatIso, parseCanonicalIso, parseTimestamp } from './timestamps.ts';
import type { ReadContext } from '../types.ts';
import {
  MAX_HASHTAGS,
  MAX_ID_CHARS,
  MAX_MEDIA_HASHES,
  MAX_MENTIONS,
  MAX_OBJECTS,
  MAX_URLS,
  MIN_POSTED_AT_MS,
} from '../types.ts';

/**
 * A post as an adapter could build it: canonical field names, values of any type. Lists left
 * null/undefined are extracted from the text.
 */
export interface LoosePost {
  platform?: unknown;
  post_id?: unknown;
  posted_at?: unknown;
  text?: unknown;
  lang?: unknown;
  urls?: unknown;
  hashtags?: unknown;
  mentions?: unknown;
  repost_of?: unknown;
  reply_to?: unknown;
  media_hashes?: unknown;
  /** `<kind>:<id>` objects (sound:, like:, fwd:, follow:, share:), see CanonicalPost.objects */
  objects?: unknown;
  account?: unknown;
}

export interface LooseAccount {
  id?: unknown;
  handle?: unknown;
  display_name?: unknown;
  bio?: unknown;
  created_at?: unknown;
  followers?: unknown;
  following?: unknown;
  location?: unknown;
  avatar_hash?: unknown;
}

function nonEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

/** marks an id value of a type that cannot be an id */
const BAD = Symbol('bad');

function idValue(v: unknown): string | null | typeof BAD {
  if (typeof v === 'string') {
    if (v.length === 0) return null;
    const c0 = v.charCodeAt(0);
    const cn = v.charCodeAt(v.length - 1);
    if ((c0 <= 0x20 || cn <= 0x20) && v.trim().length === 0) return null;
    return v;
  }
  if (v === null || v === undefined) return null;
  // JSON numbers above 2^53 were already rounded by JSON.parse: refusing beats storing a wrong id.
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return BAD;
}

function describe(v: unknown): string {
  if (typeof v === 'number')
    return Number.isInteger(v) && !Number.isSafeInteger(v)
      ? `a number too large to be exact (${v}); ids must be strings`
      : `a number (${v})`;
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : `a ${typeof v}`;
}

function quote(v: unknown): string {
  const s = typeof v === 'string' ? v : String(v);
  return JSON.stringify(s.length > 100 ? s.slice(0, 100) + '…' : s);
}

function strOrNull(v: unknown): string | null {
  if (typeof v === 'string') return v.length === 0 ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function countOrNull(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : null;
  if (typeof v === 'string' && v.length > 0) {
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
  }
  return null;
}

/** UTF-8 size check without encoding short strings (a JS string never has more than 3 bytes per UTF-16 unit). */
function overLimit(name: string, s: string | null, limit: number): string | null {
  if (s === null || s.length * 3 <= limit) return null;
  const bytes = Buffer.byteLength(s, 'utf8');
  return bytes > limit ? `${name} is ${bytes} bytes, over the ${limit}-byte limit` : null;
}

/** One post naming thousands of links or tags is not a post (and would cost every detection run of its window). */
function overCount(name: string, list: readonly string[], limit: number): string | null {
  return list.length > limit ? `${name}: ${list.length} items, over the ${limit}-item limit per post` : null;
}

function also(list: string, name: string): string {
  return list === '' ? name : `${list}, ${name}`;
}

function idTooLong(name: string, id: string | null): string | null {
  return id !== null && id.length > MAX_ID_CHARS
    ? `${name} is ${id.length} characters, over the ${MAX_ID_CHARS}-character limit`
    : null;
}

/**
 * A list of strings, '#'/'@' stripped and lower-cased as asked. Lists come from freshly parsed
 * input the adapter owns, so they are fixed in place: no copy for lists that are already clean.
 */
function stringList(v: unknown, name: string, strip: number, lower: boolean): string[] | string {
  if (!Array.isArray(v)) return `invalid ${name}: expected an array of strings, got ${describe(v)}`;
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== 'string')
      return `invalid ${name}: expected an array of strings, item ${i} is ${describe(s)}`;
    let t = strip !== 0 && s.charCodeAt(0) === strip ? s.slice(1) : s;
    if (lower) t = t.toLowerCase();
    if (t !== s) v[i] = t;
  }
  return v as string[];
}

function hasNul(p: CanonicalPost): string | null {
  const a = p.account;
  const fields: [string, string | null][] = [
    ['text', p.text],
    ['post_id', p.post_id],
    ['platform', p.platform],
    ['account.id', a.id],
    ['account.handle', a.handle],
    ['account.display_name', a.display_name],
    ['account.bio', a.bio],
    ['account.location', a.location],
    ['repost_of', p.repost_of],
    ['reply_to', p.reply_to],
    ['lang', p.lang],
  ];
  for (const [name, s] of fields)
    if (s !== null && s.includes('\u0000'))
      return `${name} contains a NUL character (U+0000), which cannot be stored`;
  for (const list of [p.urls, p.hashtags, p.mentions, p.media_hashes, p.objects ?? []]) {
    for (const s of list)
      if (s.includes('\u0000'))
        return 'a list item contains a NUL character (U+0000), which cannot be stored';
  }
  return null;
}

/** `posted_at` as canonical ISO, or the reason it is not acceptable. */
export function checkPostedAt(v: unknown, ctx: ReadContext): string | { iso: string } {
  let ms: number;
  let iso: string | null = null;
  if (typeof v === 'string') {
    ms = parseCanonicalIso(v);
    if (!Number.isNaN(ms)) iso = v;
    else ms = parseTimestamp(v, ctx.timezone);
  } else ms = parseTimestamp(v, ctx.timezone);
  if (Number.isNaN(ms)) return `invalid posted_at: ${quote(v)}`;
  if (ms < MIN_POSTED_AT_MS) return `invalid posted_at: ${quote(v)} (before 2000)`;
  if (ms > ctx.maxPostedAtMs) return `invalid posted_at: ${quote(v)} (in the future)`;
  return { iso: iso ?? formatIso(ms) };
}

/**
 * A canonical post from a loosely built one, or the reason (a string) it cannot be one.
 * `mayHaveNul`: the source could smuggle U+0000 in (JSON `\u0000`); Postgres cannot store it.
 */
export function validatePost(
  p: LoosePost,
  ctx: ReadContext,
  mayHaveNul = false,
): CanonicalPost | string {
  // names of missing required fields (a string: nothing is allocated for good records)
  let missing = '';
  const platformV = idValue(p.platform);
  if (platformV === BAD) return `invalid platform: expected a string, got ${describe(p.platform)}`;
  const platform = platformV ?? ctx.defaultPlatform;
  if (platform === null) missing = also(missing, 'platform');
  const postId = idValue(p.post_id);
  if (postId === BAD) return `invalid post_id: expected a string, got ${describe(p.post_id)}`;
  if (postId === null) missing = also(missing, 'post_id');
  const postedRaw = p.posted_at;
  if (postedRaw === undefined || postedRaw === null || postedRaw === '')
    missing = also(missing, 'posted_at');
  const acc = p.account;
  let accountId: string | null = null;
  if (acc !== null && typeof acc === 'object' && !Array.isArray(acc)) {
    const v = idValue((acc as LooseAccount).id);
    if (v === BAD)
      return `invalid account.id: expected a string, got ${describe((acc as LooseAccount).id)}`;
    accountId = v;
  }
  if (accountId === null) missing = also(missing, 'account.id');
  const repostV = idValue(p.repost_of);
  if (repostV === BAD) return `invalid repost_of: expected a string, got ${describe(p.repost_of)}`;
  const replyV = idValue(p.reply_to);
  if (replyV === BAD) return `invalid reply_to: expected a string, got ${describe(p.reply_to)}`;
  let text: string;
  if (typeof p.text === 'string' && p.text.length > 0) text = p.text;
  else if (p.text === undefined || p.text === null || p.text === '') {
    text = '';
    // a repost, an action on an object (a like, a sound, a bare link share) or a media-only post
    // needs no text of its own
    if (repostV === null && !nonEmptyList(p.objects) && !nonEmptyList(p.media_hashes)) missing = also(missing, 'text');
  } else return `invalid text: expected a string, got ${describe(p.text)}`;
  if (missing !== '') {
    return missing.includes(',')
      ? `missing required fields: ${missing}`
      : `missing required field: ${missing}`;
  }

  const longId =
    idTooLong('post_id', postId) ??
    idTooLong('account.id', accountId) ??
    idTooLong('repost_of', repostV) ??
    idTooLong('reply_to', replyV) ??
    idTooLong('platform', platform);
  if (longId !== null) return longId;
  const tooBig = overLimit('text', text, ctx.maxTextBytes);
  if (tooBig !== null) return tooBig;
  const posted = checkPostedAt(postedRaw, ctx);
  if (typeof posted === 'string') return posted;

  let urls: string[];
  if (p.urls === undefined || p.urls === null) urls = extractUrls(text);
  else {
    const r = stringList(p.urls, 'urls', 0, false);
    if (typeof r === 'string') return r;
    urls = r;
  }
  let hashtags: string[];
  if (p.hashtags === undefined || p.hashtags === null) hashtags = extractHashtags(text);
  else {
    const r = stringList(p.hashtags, 'hashtags', 0x23, true);
    if (typeof r === 'string') return r;
    hashtags = r;
  }
  let mentions: string[];
  if (p.mentions === undefined || p.mentions === null) mentions = extractMentions(text);
  else {
    const r = stringList(p.mentions, 'mentions', 0x40, true);
    if (typeof r === 'string') return r;
    mentions = r;
  }
  let mediaHashes: string[] = [];
  if (p.media_hashes !== undefined && p.media_hashes !== null) {
    const r = stringList(p.media_hashes, 'media_hashes', 0, false);
    if (typeof r === 'string') return r;
    mediaHashes = r;
  }

  let objects: string[] | null = null;
  if (p.objects !== undefined && p.objects !== null) {
    const r = stringList(p.objects, 'objects', 0, false);
    if (typeof r === 'string') return r;
    if (r.length > 0) objects = r;
  }

  const tooMany =
    overCount('urls', urls, MAX_URLS) ??
    overCount('hashtags', hashtags, MAX_HASHTAGS) ??
    overCount('mentions', mentions, MAX_MENTIONS) ??
    overCount('media_hashes', mediaHashes, MAX_MEDIA_HASHES) ??
    overCount('objects', objects ?? [], MAX_OBJECTS);
  if (tooMany !== null) return tooMany;

  const a = acc as LooseAccount;
  let createdAt: string | null = null;
  if (a.created_at !== undefined && a.created_at !== null && a.created_at !== '') {
    // An optional field: a bad account date is dropped, the post is kept.
    const ms = parseTimestamp(a.created_at, ctx.timezone);
    if (!Number.isNaN(ms) && ms > 0 && ms <= ctx.maxPostedAtMs) createdAt = formatIso(ms);
  }
  const account: CanonicalAccount = {
    id: accountId as string,
    handle: strOrNull(a.handle),
    display_name: strOrNull(a.display_name),
    bio: strOrNull(a.bio),
    created_at: createdAt,
    followers: countOrNull(a.followers),
    following: countOrNull(a.following),
    location: strOrNull(a.location),
    avatar_hash: strOrNull(a.avatar_hash),
  };
  const big =
    overLimit('account.handle', account.handle, ctx.maxTextBytes) ??
    overLimit('account.display_name', account.display_name, ctx.maxTextBytes) ??
    overLimit('account.bio', account.bio, ctx.maxTextBytes) ??
    overLimit('account.location', account.location, ctx.maxTextBytes) ??
    overLimit('account.avatar_hash', account.avatar_hash, ctx.maxTextBytes);
  if (big !== null) return big;
  const lang = typeof p.lang === 'string' && p.lang.length > 0 ? p.lang : null;
  if (lang !== null && lang.length > 35)
    return `lang is ${lang.length} characters, over the 35-character limit`;
  const post: CanonicalPost = {
    platform: platform as string,
    post_id: postId as string,
    posted_at: posted.iso,
    text,
    lang,
    urls,
    hashtags,
    mentions,
    repost_of: repostV,
    reply_to: replyV,
    media_hashes: mediaHashes,
    account,
  };
  if (objects !== null) post.objects = objects;
  if (mayHaveNul) {
    const nul = hasNul(post);
    if (nul !== null) return nul;
  }
  return post;
}
