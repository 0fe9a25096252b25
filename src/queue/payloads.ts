import { z } from 'zod';
import type { CanonicalAccount, CanonicalPost } from '../core/types.ts';
import type { ChunkInput } from '../db/ingest-repository.ts';

/**
 * Job payloads are untrusted. The envelope is checked with zod; posts are checked for
 * the fields the writer relies on (a full schema parse of 5,000 posts per job would cost
 * more than writing them).
 */
const rejectedSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  raw: z.string(),
  reason: z.string().min(1),
});

const envelope = z.object({
  batchId: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  posts: z.array(z.unknown()).max(100_000),
  rejected: z.array(rejectedSchema).max(100_000),
  /** the chunk's distinct account profiles, when its posts carry `account` as an index into them */
  accounts: z.array(z.unknown()).max(100_000).optional(),
});

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
function isStrArr(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}
const isStrOrNull = (v: unknown) => v === null || typeof v === 'string';

/**
 * Validate a chunk's payload (the trust boundary of the queue hop: the worker checks what it
 * takes from Redis, whoever queued it). Posts whose `account` is a number get the profile at
 * that index of `accounts` (see encodeChunkPosts); the post objects are the payload's own.
 */
export function parseIngestPayload(data: unknown): ChunkInput {
  const env = envelope.safeParse(data);
  if (!env.success) {
    const i = env.error.issues[0]!;
    throw new PayloadError(`bad ingest payload: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const accounts = env.data.accounts;
  const posts = env.data.posts;
  for (let i = 0; i < posts.length; i++) {
    let p = posts[i];
    if (Array.isArray(p)) {
      const o = postOfTuple(p, i);
      posts[i] = p = o;
      // the array form has no account of its own: its index must name one of the chunk's profiles
      if (!accounts || typeof o.account !== 'number')
        throw new PayloadError(`bad ingest payload: posts[${i}]: account is not an index of accounts`);
    }
    if (
      accounts &&
      typeof p === 'object' &&
      p !== null &&
      typeof (p as { account?: unknown }).account === 'number'
    ) {
      const k = (p as { account: number }).account;
      if (!Number.isInteger(k) || k < 0 || k >= accounts.length)
        throw new PayloadError(
          `bad ingest payload: posts[${i}]: account ${k} is not an index of accounts`,
        );
      (p as { account: unknown }).account = accounts[k];
    }
    const why = checkPost(p);
    if (why) throw new PayloadError(`bad ingest payload: posts[${i}]: ${why}`);
  }
  const { accounts: _shared, ...chunk } = env.data;
  return chunk as ChunkInput;
}

/**
 * The posts of a chunk for its payload: each distinct account profile once, in `accounts`, and
 * each post's `account` its index there (a post keeps its keys in their order). An account
 * posting many times in a chunk travels once: a third less JSON to write, send and parse.
 */
export function encodeChunkPosts(posts: readonly CanonicalPost[]): {
  posts: unknown[];
  accounts: CanonicalAccount[];
} {
  const accounts: CanonicalAccount[] = [];
  const index = new Map<string, number>();
  const byRef = new Map<CanonicalAccount, number>();
  const out: unknown[] = new Array(posts.length);
  for (let i = 0; i < posts.length; i++) {
    const p = posts[i]!;
    const a = p.account;
    let k = byRef.get(a);
    if (k === undefined) {
      const key = accountKey(a);
      k = index.get(key);
      if (k === undefined) {
        k = accounts.length;
        accounts.push(a);
        index.set(key, k);
      }
      byRef.set(a, k);
    }
    out[i] = tupleOf(p, k) ?? { ...p, account: k };
  }
  return { posts: out, accounts };
}

/**
 * A post's fields in the order validatePost builds them; a post of exactly these keys (and
 * `objects` last, when it has them) travels as an array of its values, the account's index in
 * place of the account: no key names in the payload (a quarter of its bytes to write, send and
 * parse). Any other shape travels as an object, as before.
 */
const POST_KEYS = [
  'platform',
  'post_id',
  'posted_at',
  'text',
  'lang',
  'urls',
  'hashtags',
  'mentions',
  'repost_of',
  'reply_to',
  'media_hashes',
  'account',
] as const;
const ACCOUNT_AT = POST_KEYS.indexOf('account');

function tupleOf(p: CanonicalPost, k: number): unknown[] | null {
  let n = 0;
  const o = p as unknown as Record<string, unknown>;
  for (const key in o) {
    if (n === POST_KEYS.length ? key !== 'objects' : key !== POST_KEYS[n]) return null;
    // a value JSON would drop from an object but write as null in an array
    if (o[key] === undefined) return null;
    n++;
  }
  if (n < POST_KEYS.length) return null;
  const t: unknown[] = POST_KEYS.map((key) => o[key]);
  t[ACCOUNT_AT] = k;
  if (n > POST_KEYS.length) t.push(p.objects);
  return t;
}

/** A post from its array form (tupleOf), keys in validatePost's order; its account still an index. */
function postOfTuple(t: unknown[], i: number): Record<string, unknown> {
  if (t.length !== POST_KEYS.length && t.length !== POST_KEYS.length + 1)
    throw new PayloadError(`bad ingest payload: posts[${i}]: an array of ${t.length} values, not a post`);
  // keys set in POST_KEYS order: the same object, key order included, as the producer had
  const o: Record<string, unknown> = {};
  for (let j = 0; j < POST_KEYS.length; j++) o[POST_KEYS[j]!] = t[j];
  if (t.length > POST_KEYS.length) o.objects = t[POST_KEYS.length];
  return o;
}

const ACCOUNT_KEYS = [
  'id',
  'handle',
  'display_name',
  'bio',
  'created_at',
  'followers',
  'following',
  'location',
  'avatar_hash',
] as const;
// a value's part of the key: its kind, and a string's length before it (hostile text cannot fake a boundary)
const part = (v: unknown) => {
  if (v === null) return '\u0001';
  if (typeof v === 'number') return `\u0002${v}`;
  const t = typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined');
  return `${typeof v === 'string' ? '\u0003' : '\u0004'}${t.length}:${t}`;
};

/**
 * Everything of a profile that travels: same key, same JSON. A profile of the canonical keys in
 * their canonical order is keyed by its values (cheaper than JSON.stringify per post); any other
 * shape by its JSON, so nothing that would travel differently is ever merged.
 */
function accountKey(a: CanonicalAccount): string {
  let n = 0;
  for (const k in a) {
    if (k !== ACCOUNT_KEYS[n]) return `\u0005${JSON.stringify(a)}`;
    n++;
  }
  if (n !== ACCOUNT_KEYS.length) return `\u0005${JSON.stringify(a)}`;
  return (
    part(a.id) +
    part(a.handle) +
    part(a.display_name) +
    part(a.bio) +
    part(a.created_at) +
    part(a.followers) +
    part(a.following) +
    part(a.location) +
    part(a.avatar_hash)
  );
}

const STRINGS = ['platform', 'post_id', 'text'] as const;
const LISTS = ['urls', 'hashtags', 'mentions'] as const;
const OPTIONAL = ['lang', 'repost_of', 'reply_to'] as const;

function checkPost(p: unknown): string | null {
  if (typeof p !== 'object' || p === null) return 'not an object';
  const o = p as Record<string, unknown>;
  for (const k of STRINGS)
    if (typeof o[k] !== 'string') return `${k} is not a string`;
  if (typeof o.posted_at !== 'string' || !ISO.test(o.posted_at))
    return 'posted_at is not an ISO UTC timestamp';
  for (const k of LISTS)
    if (!isStrArr(o[k])) return `${k} is not a list of strings`;
  if (o.media_hashes !== undefined && !isStrArr(o.media_hashes))
    return 'media_hashes is not a list of strings';
  if (o.objects !== undefined && !isStrArr(o.objects)) return 'objects is not a list of strings';
  for (const k of OPTIONAL)
    if (!isStrOrNull(o[k])) return `${k} is not a string or null`;
  const a = o.account as Record<string, unknown> | null;
  if (typeof a !== 'object' || a === null || typeof a.id !== 'string')
    return 'account.id is not a string';
  return null;
}
