import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { AccountSighting } from '../core/signals/index.ts';
import type { CanonicalAccount, CorePost } from '../core/types.ts';
import type { Database } from '../db/schema/index.ts';
import { accountKey, postKey, splitKey } from './keys.ts';
import type { TimeWindow } from './windows.ts';

/**
 * Loading a window of posts from Postgres into the plain data the core takes. Keys are
 * `platform:id` (see keys.ts). Posts are read in keyset pages so one huge result set is
 * never buffered at once by the driver.
 */

const PAGE = 50_000;

interface PostRow {
  platform: string;
  post_id: string;
  account_id: string;
  posted_at: Date;
  text: string;
  lang: string | null;
  urls: string[];
  hashtags: string[];
  mentions: string[];
  media_hashes: string[];
  repost_of: string | null;
  reply_to: string | null;
}

export async function loadPosts(db: Kysely<Database>, w: TimeWindow, opts: { accounts?: readonly string[] } = {}): Promise<CorePost[]> {
  const out: CorePost[] = [];
  let after: { t: Date; platform: string; id: string } | null = null;
  const onlyAccounts = opts.accounts ? [...opts.accounts] : null;
  for (;;) {
    const rows: { rows: PostRow[] } = await sql<PostRow>`
      select platform, post_id, account_id, posted_at, text, lang, urls, hashtags, mentions, media_hashes, repost_of, reply_to
      from posts
      where posted_at >= ${w.start} and posted_at < ${w.end}
        ${onlyAccounts ? sql`and (platform || ':' || account_id) = any(${onlyAccounts}::text[])` : sql``}
        ${after ? sql`and (posted_at, platform, post_id) > (${after.t}, ${after.platform}, ${after.id})` : sql``}
      order by posted_at, platform, post_id
      limit ${PAGE}`.execute(db);
    for (const r of rows.rows) {
      out.push({
        key: postKey(r.platform, r.post_id),
        account: accountKey(r.platform, r.account_id),
        t: new Date(r.posted_at).getTime() / 1000,
        text: r.text,
        lang: r.lang,
        urls: r.urls,
        hashtags: r.hashtags,
        mentions: r.mentions,
        repost_of: r.repost_of,
        reply_to: r.reply_to,
        media_hashes: r.media_hashes,
      });
    }
    if (rows.rows.length < PAGE) return out;
    const last = rows.rows[rows.rows.length - 1]!;
    after = { t: last.posted_at, platform: last.platform, id: last.post_id };
  }
}

/** Account keys as a relation (platform, account_id), so the primary keys are used. */
function pairs(keys: string[]) {
  const split = keys.map(splitKey);
  return sql`unnest(${split.map((k) => k.platform)}::text[], ${split.map((k) => k.id)}::text[]) as k(platform, account_id)`;
}

export async function countPosts(db: Kysely<Database>, w: TimeWindow): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from posts where posted_at >= ${w.start} and posted_at < ${w.end}`.execute(db);
  return Number(r.rows[0]!.n);
}

/** Profiles of the accounts behind some posts, keyed like CorePost.account. */
export async function loadAccounts(db: Kysely<Database>, keys: Iterable<string>): Promise<Map<string, CanonicalAccount>> {
  const list = [...new Set(keys)];
  const out = new Map<string, CanonicalAccount>();
  for (let i = 0; i < list.length; i += PAGE) {
    const rows = await sql<{ platform: string; account_id: string; handle: string | null; display_name: string | null; bio: string | null; created_at: Date | null; followers: number | null; following: number | null; location: string | null; avatar_hash: string | null }>`
      select platform, account_id, handle, display_name, bio, created_at, followers, following, location, avatar_hash
      from accounts join ${pairs(list.slice(i, i + PAGE))} using (platform, account_id)`.execute(db);
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
export async function loadSightings(db: Kysely<Database>, keys: Iterable<string>): Promise<Map<string, AccountSighting[]>> {
  const list = [...new Set(keys)];
  const out = new Map<string, AccountSighting[]>();
  for (let i = 0; i < list.length; i += PAGE) {
    const rows = await sql<{ platform: string; account_id: string; first_seen_at: Date; handle: string | null; display_name: string | null; bio: string | null; lang: string | null; location: string | null; followers: number | null; following: number | null }>`
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
