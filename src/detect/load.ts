import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { AccountSighting } from '../core/signals/index.ts';
import type { CanonicalAccount, CorePost } from '../core/types.ts';
import type { Db } from '../db/connection.ts';
import type { Database } from '../db/schema/index.ts';
import { accountKey, splitKey } from '../core/keys.ts';
import { canonicalOrder, corePost } from '../core/posts.ts';
import type { TimeWindow } from '../core/alerts/windows.ts';
import { eachCursorRow, inPooledTransaction } from '../db/pooled.ts';

/**
 * Loading a window of posts from Postgres into the plain data the core takes. Keys are
 * `platform:id` (see keys.ts). On Postgres the rows come through a cursor in batches with
 * no ORDER BY (one range scan of the posted_at index; ordering pages with LIMIT sorted
 * every remaining row again for each page) and as arrays, with the time as epoch
 * milliseconds (no date parsing); the posts are then put in the core's canonical order.
 */

const PAGE = 50_000;
const FETCH = 20_000;

/** What loading needs of a database: the query builder, and the pg pool for cursors. */
export type LoadDb = Pick<Db, 'kysely' | 'kind' | 'pool'>;

export type PostRow = [
  platform: string,
  postId: string,
  accountId: string,
  ms: number,
  text: string,
  lang: string | null,
  urls: string[],
  hashtags: string[],
  mentions: string[],
  media: string[],
  repostOf: string | null,
  replyTo: string | null,
  objects: string[],
];

/** shared by every post without a list (rowPost, loadTextPosts), and frozen: a reader that wrote to one would throw */
const NONE: string[] = Object.freeze([]) as unknown as string[];

export const POST_COLUMNS = sql`platform, post_id, account_id, (extract(epoch from date_trunc('milliseconds', posted_at)) * 1000)::float8 as ms,
  text, lang, urls, hashtags, mentions, media_hashes, repost_of, reply_to, objects`;

/**
 * A row through the one row → CorePost rule (core/posts.ts), as files are read for `networks`.
 * Empty lists are one shared frozen array (most posts have no links, mentions or media: the
 * driver's fresh [] for each was ~120 MB of a million-post window) and each language one
 * string; the same values, so the same results (a reader that wrote to a list would throw).
 */
export function rowPost(r: PostRow): CorePost {
  return corePost({
    platform: r[0],
    post_id: r[1],
    account_id: r[2],
    ms: r[3],
    text: r[4],
    lang: r[5] === null ? null : lang(r[5]),
    urls: r[6].length ? r[6] : NONE,
    hashtags: r[7].length ? r[7] : NONE,
    mentions: r[8].length ? r[8] : NONE,
    media_hashes: r[9].length ? r[9] : NONE,
    repost_of: r[10],
    reply_to: r[11],
    objects: r[12],
  });
}

/** languages seen, each held once (a few dozen codes; bounded all the same) */
const LANGS = new Map<string, string>();
function lang(code: string): string {
  const had = LANGS.get(code);
  if (had !== undefined) return had;
  if (LANGS.size < 1000) LANGS.set(code, code);
  return code;
}

/** `select … from posts` over a window, one array row at a time (a cursor on Postgres). */
async function eachRow(
  db: LoadDb,
  columns: ReturnType<typeof sql>,
  names: readonly string[],
  w: TimeWindow,
  only: ReturnType<typeof sql>,
  visit: (row: unknown[]) => void,
): Promise<void> {
  const query = sql`select ${columns} from posts where posted_at >= ${w.start} and posted_at < ${w.end} ${only}`;
  if (db.kind === 'postgres' && db.pool) {
    const q = query.compile(db.kysely);
    await inPooledTransaction(db.pool, 'begin read only', (client) =>
      eachCursorRow(client, q.sql, q.parameters as unknown[], visit, FETCH),
    );
  } else {
    // the embedded database is in-process: one query, there is no driver buffer to bound
    const r = await query.execute(db.kysely);
    for (const x of r.rows as Record<string, unknown>[])
      visit(names.map((n) => (n === 'ms' ? Number(x.ms) : x[n])));
  }
}

const POST_NAMES = [
  'platform',
  'post_id',
  'account_id',
  'ms',
  'text',
  'lang',
  'urls',
  'hashtags',
  'mentions',
  'media_hashes',
  'repost_of',
  'reply_to',
  'objects',
];

/**
 * The posts of a window (optionally of some accounts only), in canonical order. The range
 * is the posted_at index's; the accounts, the (platform, account_id) index's.
 */
export async function loadPosts(
  db: LoadDb,
  w: TimeWindow,
  opts: {
    accounts?: readonly string[];
    /** each post as it is read, before the sort (a scan streams them to its other thread); a throw stops the read */
    each?: (p: CorePost) => void;
  } = {},
): Promise<CorePost[]> {
  let only = sql``;
  if (opts.accounts) {
    const split = opts.accounts.map(splitKey);
    only = sql`and (platform, account_id) in (select * from unnest(${split.map((k) => k.platform)}::text[], ${split.map((k) => k.id)}::text[]))`;
  }
  const out: CorePost[] = [];
  const each = opts.each;
  await eachRow(
    db,
    POST_COLUMNS,
    POST_NAMES,
    w,
    only,
    each
      ? (row) => {
          const p = rowPost(row as PostRow);
          out.push(p);
          each(p);
        }
      : (row) => out.push(rowPost(row as PostRow)),
  );
  return out.sort(canonicalOrder);
}

const TEXT_COLUMNS = sql`platform, post_id, account_id, (extract(epoch from date_trunc('milliseconds', posted_at)) * 1000)::float8 as ms, text, repost_of, reply_to`;
const TEXT_NAMES = ['platform', 'post_id', 'account_id', 'ms', 'text', 'repost_of', 'reply_to'];

/**
 * The posts of a window with only what the text kinds (co-text, co-similar, co-reply) and the
 * canonical order and dedupe read: key, account, time, text, repost and reply targets. Links,
 * hashtags, mentions, media, objects and language are left empty (not parsed, not held), so a
 * scan's thread that builds only those kinds holds less. Same posts, same order as loadPosts.
 */
export async function loadTextPosts(db: LoadDb, w: TimeWindow): Promise<CorePost[]> {
  const out: CorePost[] = [];
  await eachRow(db, TEXT_COLUMNS, TEXT_NAMES, w, sql``, (r) =>
    out.push(
      corePost({
        platform: r[0] as string,
        post_id: r[1] as string,
        account_id: r[2] as string,
        ms: r[3] as number,
        text: r[4] as string,
        lang: null,
        urls: NONE,
        hashtags: NONE,
        mentions: NONE,
        media_hashes: NONE,
        repost_of: r[5] as string | null,
        reply_to: r[6] as string | null,
        objects: NONE,
      }),
    ),
  );
  return out.sort(canonicalOrder);
}

/**
 * The post loadTextPosts builds, from what it reads of a post already keyed (a post a scan's
 * loading thread streamed, scan-stream.ts): corePost's fields in corePost's order, the
 * unread lists empty (shared, frozen), no language, no objects.
 */
export function textPost(
  key: string,
  account: string,
  t: number,
  text: string,
  repostOf: string | null,
  replyTo: string | null,
): CorePost {
  return {
    key,
    account,
    t,
    text,
    lang: null,
    urls: NONE,
    hashtags: NONE,
    mentions: NONE,
    repost_of: repostOf,
    reply_to: replyTo,
    media_hashes: NONE,
  };
}

/** Account keys as a relation (platform, account_id), so the primary keys are used. */
function pairs(keys: string[]) {
  const split = keys.map(splitKey);
  return sql`unnest(${split.map((k) => k.platform)}::text[], ${split.map((k) => k.id)}::text[]) as k(platform, account_id)`;
}

export async function countPosts(db: Kysely<Database>, w: TimeWindow): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from posts where posted_at >= ${w.start} and posted_at < ${w.end}`.execute(
    db,
  );
  return Number(r.rows[0]!.n);
}

/** Profiles of the accounts behind some posts, keyed like CorePost.account. */
export async function loadAccounts(
  db: Kysely<Database>,
  keys: Iterable<string>,
): Promise<Map<string, CanonicalAccount>> {
  const list = [...new Set(keys)];
  const out = new Map<string, CanonicalAccount>();
  for (let i = 0; i < list.length; i += PAGE) {
    const rows = await sql<{
      platform: string;
      account_id: string;
      handle: string | null;
      display_name: string | null;
      bio: string | null;
      created_at: Date | null;
      followers: number | null;
      following: number | null;
      location: string | null;
      avatar_hash: string | null;
    }>`
      select platform, account_id, handle, display_name, bio, created_at, followers, following, location, avatar_hash
      from accounts join ${pairs(list.slice(i, i + PAGE))} using (platform, account_id)`.execute(
      db,
    );
    for (const r of rows.rows) {
      out.set(accountKey(r.platform, r.account_id), {
        id: r.account_id,
        handle: r.handle,
        display_name: r.display_name,
        bio: r.bio,
        created_at: r.created_at ? new Date(r.created_at).toISOString() : null,
        followers: r.followers,
        following: r.following,
        location: r.location,
        avatar_hash: r.avatar_hash,
      });
    }
  }
  return out;
}

/** Every persona each account has shown (A5, deep scans). */
export async function loadSightings(
  db: Kysely<Database>,
  keys: Iterable<string>,
): Promise<Map<string, AccountSighting[]>> {
  const list = [...new Set(keys)];
  const out = new Map<string, AccountSighting[]>();
  for (let i = 0; i < list.length; i += PAGE) {
    const rows = await sql<{
      platform: string;
      account_id: string;
      first_seen_at: Date;
      handle: string | null;
      display_name: string | null;
      bio: string | null;
      lang: string | null;
      location: string | null;
      followers: number | null;
      following: number | null;
    }>`
      select platform, account_id, first_seen_at, handle, display_name, bio, lang, location, followers, following
      from account_sightings join ${pairs(list.slice(i, i + PAGE))} using (platform, account_id)
      order by platform, account_id, first_seen_at`.execute(db);
    for (const r of rows.rows) {
      const k = accountKey(r.platform, r.account_id);
      let xs = out.get(k);
      if (!xs) out.set(k, (xs = []));
      xs.push({
        seen_at: new Date(r.first_seen_at).toISOString(),
        handle: r.handle,
        display_name: r.display_name,
        bio: r.bio,
        lang: r.lang,
        location: r.location,
        followers: r.followers,
        following: r.following,
      });
    }
  }
  return out;
}

/** The latest post time, for scans anchored to the data rather than the wall clock. */
export async function latestPostTime(db: Kysely<Database>): Promise<Date | null> {
  const r = await sql<{ t: Date | null }>`select max(posted_at) as t from posts`.execute(db);
  const t = r.rows[0]?.t;
  return t ? new Date(t) : null;
}
