import { createHash } from 'node:crypto';
import type { CanonicalPost } from '../core/types.ts';

/**
 * Storage limits, known up front and applied to every post before it is written, so one
 * bad record never fails the chunk it travels in. Each limit comes from the schema
 * (migrations/): the btree and GIN indexes refuse an entry over about a third of an 8 KB
 * page (btree v4: 2,704 bytes; GIN keys about the same), `integer` columns hold
 * −2^31…2^31−1, `timestamptz` input wants years 1…9999 here. A value is measured in UTF-8
 * bytes *before* Postgres compresses it, so the limits hold for incompressible text too.
 *
 * What happens, per field (and why):
 *
 * | field | indexed by | over the limit |
 * |---|---|---|
 * | platform | posts_pkey, posts_account_idx, accounts_pkey | record rejected: it is part of the post's identity |
 * | post_id | posts_pkey | record rejected: identity; a shortened id would be another post |
 * | account.id | posts_account_idx, accounts_pkey, account_sightings_pkey | record rejected: identity |
 * | posted_at | posts_pkey, posts_posted_at_idx, the month partition | record rejected (required; year outside 1–9999) |
 * | repost_of, reply_to | none since the partitioning migration (the repost_of index served no query); kept for one rule with the lists and a bounded payload | trimmed: prefix + `…` + hash of the whole value, so equal values stay equal and different ones different (C3/C4 still match) |
 * | urls, hashtags elements | none since the partitioning migration (their GIN indexes served no query) | element trimmed to prefix + hash (C2/C5 still match exactly) |
 * | mentions, media_hashes, objects elements | — | trimmed the same way, for one rule per list |
 * | urls, hashtags, mentions, media_hashes, objects length | — | the first `maxListItems` kept: bounds the detection cost of one post (a backstop: the readers in src/ingest reject posts over their lower per-post caps first) |
 * | account.handle | accounts_handle_idx (lower(handle)) | trimmed to prefix + hash (persona changes still show) |
 * | account.followers, following | `integer` | set to null (not a count: negative, fractional or ≥ 2^31) |
 * | account.created_at | — | set to null (not a timestamp Postgres stores) |
 * | lang | — | set to null (over 64 bytes is not a language tag) |
 * | the whole record | row size, queue payload | record rejected over `maxRecordBytes` |
 *
 * Every trim is noted on the batch (kind `trimmed`, field and reason) and counted in its
 * `trimmed` column; every rejection is a rejected record with the reason below.
 */
export interface StorageLimits {
  /** platform: a short token (x, bluesky, telegram) */
  platformBytes: number;
  /** post_id and account.id: ids of every platform are far shorter (a Bluesky at-uri ~90 bytes) */
  idBytes: number;
  /** repost_of, reply_to, account.handle */
  refBytes: number;
  /** one element of urls, hashtags, mentions, media_hashes */
  itemBytes: number;
  /** elements per list */
  maxListItems: number;
  langBytes: number;
  /** the whole post (strings summed, UTF-8) */
  maxRecordBytes: number;
}

/**
 * The defaults. Two indexed values share one index row at most (posts_pkey: platform +
 * post_id; account_sightings_pkey adds a 64-byte hash), so 64 + 1,024 + 64 plus headers is
 * well under 2,704; a lone list element gets 2,048. 256 list elements is 11× the largest
 * count in the shared samples (23 hashtags in ira-2016q4, 17 mentions, 5 urls) and 2.7×
 * what a 280-character post can hold (93 hashtags of `#a `); longer formats (Telegram,
 * Facebook) rarely carry more, and a post with 100,000 hashtags is not one a reader saw.
 */
export const STORAGE_LIMITS: StorageLimits = {
  platformBytes: 64,
  idBytes: 1024,
  refBytes: 1024,
  itemBytes: 2048,
  maxListItems: 256,
  langBytes: 64,
  maxRecordBytes: 1_048_576,
};

/** The largest value of a Postgres `integer`. */
export const INT4_MAX = 2_147_483_647;

export interface Trim {
  field: string;
  detail: string;
}

export type LimitOutcome =
  | { ok: true; post: CanonicalPost; trims: Trim[] }
  | { ok: false; reason: string };

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/** `s` is over `max` UTF-8 bytes (a UTF-16 unit is at most 3 bytes: most values never get measured) */
const over = (s: string, max: number) => s.length * 3 > max && bytes(s) > max;
const nf = (x: number) => x.toLocaleString('en-US');
const HASH_HEX = 16;
const ELLIPSIS = '…';

/**
 * `s` cut to at most `max` UTF-8 bytes, ending in `…` and the first 16 hex digits of the
 * SHA-256 of the whole value: deterministic (a re-ingest stores the same value) and
 * distinct for distinct inputs, so equality-based signals keep working on trimmed values.
 */
export function trimWithHash(s: string, max: number): string {
  const tail = ELLIPSIS + createHash('sha256').update(s).digest('hex').slice(0, HASH_HEX);
  const budget = max - bytes(tail);
  return prefixBytes(s, budget) + tail;
}

/** The longest prefix of `s` that fits in `max` UTF-8 bytes, never splitting a character. */
function prefixBytes(s: string, max: number): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= max) return s;
  let end = max;
  // back up to the first byte of a character (continuation bytes are 10xxxxxx)
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/**
 * Years 0001–9999 (JavaScript reads year 0000, Postgres refuses it). Other impossible dates
 * (month 13) the readers reject, and the split-on-failure path would catch them anyway.
 */
function storableYear(s: string): boolean {
  if (s.length < 10 || s.charCodeAt(4) !== 45) return false;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    y = y * 10 + c;
  }
  return y >= 1;
}
const storableTimestamp = (s: string) => storableYear(s) && Number.isFinite(Date.parse(s));

const isCount = (v: number) => Number.isInteger(v) && v >= 0 && v <= INT4_MAX;

/** Upper bound of a post's size in UTF-8 bytes without encoding it (3 bytes per UTF-16 unit). */
// per post, so without temporary arrays: a UTF-16 unit is at most 3 UTF-8 bytes
const len = (s: unknown): number => (typeof s === 'string' ? s.length : 0);
function listLen(l: readonly string[] | null | undefined): number {
  if (!l) return 0;
  let n = l.length;
  for (let i = 0; i < l.length; i++) n += l[i]!.length;
  return n;
}

function roughBytes(p: CanonicalPost): number {
  let n = p.text.length + p.post_id.length + p.platform.length + len(p.repost_of) + len(p.reply_to);
  n += listLen(p.urls) + listLen(p.hashtags) + listLen(p.mentions) + listLen(p.media_hashes) + listLen(p.objects);
  const a = p.account;
  n += len(a.id) + len(a.handle) + len(a.display_name) + len(a.bio) + len(a.location) + len(a.avatar_hash) + len(a.created_at);
  return n * 3;
}

function exactBytes(p: CanonicalPost): number {
  let n = bytes(p.text) + bytes(p.post_id) + bytes(p.platform) + bytes(p.repost_of ?? '') + bytes(p.reply_to ?? '');
  for (const l of [p.urls, p.hashtags, p.mentions, p.media_hashes ?? [], p.objects ?? []]) for (const x of l) n += bytes(x) + 1;
  const a = p.account;
  for (const s of [a.id, a.handle, a.display_name, a.bio, a.location, a.avatar_hash, a.created_at]) n += typeof s === 'string' ? bytes(s) : 0;
  return n;
}

/** The post's copy for trims, made on the first trim only. */
const copyOf = (p: CanonicalPost, out: CanonicalPost | null): CanonicalPost =>
  out ?? { ...p, account: { ...p.account } };
// never written: a list is copied before its first cut
const NO_ITEMS = Object.freeze([]) as unknown as string[];
const REF_FIELDS = ['repost_of', 'reply_to'] as const;
const LIST_FIELDS = ['urls', 'hashtags', 'mentions', 'media_hashes', 'objects'] as const;
const COUNT_FIELDS = ['followers', 'following'] as const;

/**
 * Check one post against the storage limits: rejected with a reason, or accepted (maybe
 * trimmed, each trim with its field and reason). The input is never modified.
 */
export function applyStorageLimits(p: CanonicalPost, L: StorageLimits = STORAGE_LIMITS): LimitOutcome {
  // identity and required fields: reject
  if (over(p.platform, L.platformBytes)) {
    return { ok: false, reason: `platform is ${nf(bytes(p.platform))} bytes, over the ${nf(L.platformBytes)}-byte storage limit` };
  }
  if (over(p.post_id, L.idBytes)) {
    return { ok: false, reason: `post_id is ${nf(bytes(p.post_id))} bytes, over the ${nf(L.idBytes)}-byte storage limit (index row size)` };
  }
  if (over(p.account.id, L.idBytes)) {
    return { ok: false, reason: `account.id is ${nf(bytes(p.account.id))} bytes, over the ${nf(L.idBytes)}-byte storage limit (index row size)` };
  }
  if (typeof p.posted_at !== 'string' || !storableYear(p.posted_at)) {
    return { ok: false, reason: `posted_at ${JSON.stringify(p.posted_at.slice(0, 40))} is outside what the database stores (years 1–9999)` };
  }
  const rough = roughBytes(p);
  if (rough > L.maxRecordBytes) {
    const exact = exactBytes(p);
    if (exact > L.maxRecordBytes) {
      return { ok: false, reason: `record is ${nf(exact)} bytes, over the ${nf(L.maxRecordBytes)}-byte per-record storage limit` };
    }
  }

  // everything else: trim, and say so
  const trims: Trim[] = [];
  let out: CanonicalPost | null = null;

  for (const k of REF_FIELDS) {
    const v = p[k];
    if (typeof v === 'string' && over(v, L.refBytes)) {
      (out = copyOf(p, out))[k] = trimWithHash(v, L.refBytes);
      trims.push({ field: k, detail: `${k} was ${nf(bytes(v))} bytes: cut to ${nf(L.refBytes)} bytes ending in a hash of the whole (index row size)` });
    }
  }
  if (typeof p.lang === 'string' && over(p.lang, L.langBytes)) {
    (out = copyOf(p, out)).lang = null;
    trims.push({ field: 'lang', detail: `lang was ${nf(bytes(p.lang))} bytes, not a language tag: set to null` });
  }
  for (const k of LIST_FIELDS) {
    const list = p[k] ?? NO_ITEMS;
    let next = list;
    if (list.length > L.maxListItems) {
      next = list.slice(0, L.maxListItems);
      trims.push({ field: k, detail: `${k}: kept the first ${nf(L.maxListItems)} of ${nf(list.length)} (per-post cap, bounds detection cost)` });
    }
    let cut = 0;
    let longest = 0;
    for (let i = 0; i < next.length; i++) {
      const x = next[i]!;
      if (x.length * 3 <= L.itemBytes) continue;
      const b = bytes(x);
      if (b <= L.itemBytes) continue;
      if (next === list) next = [...list];
      next[i] = trimWithHash(x, L.itemBytes);
      cut++;
      longest = Math.max(longest, b);
    }
    if (cut > 0) {
      trims.push({ field: k, detail: `${k}: ${cut} element(s) over ${nf(L.itemBytes)} bytes (longest ${nf(longest)}) cut, ending in a hash of the whole (index row size)` });
    }
    if (next !== list) (out = copyOf(p, out))[k] = next;
  }

  const a = p.account;
  // lower() may lengthen a character (İ → i̇): measured both ways, and only when it could matter
  if (typeof a.handle === 'string' && a.handle.length * 6 > L.refBytes) {
    const b = Math.max(bytes(a.handle), bytes(a.handle.toLowerCase()));
    if (b > L.refBytes) {
      (out = copyOf(p, out)).account.handle = trimWithHash(a.handle, L.refBytes);
      trims.push({ field: 'account.handle', detail: `account.handle was ${nf(b)} bytes: cut to ${nf(L.refBytes)} bytes ending in a hash of the whole (index row size)` });
    }
  }
  for (const k of COUNT_FIELDS) {
    const v = a[k];
    if (v != null && !isCount(v)) {
      (out = copyOf(p, out)).account[k] = null;
      trims.push({ field: `account.${k}`, detail: `account.${k} ${String(v)} is not a count the database stores (0 to ${nf(INT4_MAX)}): set to null` });
    }
  }
  if (a.created_at != null && (typeof a.created_at !== 'string' || !storableTimestamp(a.created_at))) {
    (out = copyOf(p, out)).account.created_at = null;
    trims.push({ field: 'account.created_at', detail: `account.created_at ${JSON.stringify(String(a.created_at).slice(0, 40))} is not a storable timestamp: set to null` });
  }
  return { ok: true, post: out ?? p, trims };
}
