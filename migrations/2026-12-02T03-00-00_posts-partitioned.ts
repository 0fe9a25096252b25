import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// `posts` partitioned by month (RANGE on posted_at, UTC months, partitions named
// posts_yYYYYmMM), so retention drops whole months (`coordwatch retention`) instead of
// deleting rows, and a window's scan touches only its month(s). Partitions are created ahead
// by the ingest writer (src/db/ingest-repository.ts, `ensurePostPartitions`) for the months a
// chunk needs; there is no default partition: a row for a month nobody created is refused
// with Postgres' own "no partition of relation "posts" found for row" (a default partition
// would block creating that month later, as its rows would then violate the new bound).
//
// Dedup: Postgres wants the partition key in every unique index, so the primary key is
// (platform, post_id, posted_at). A post's creation time is immutable and always comes from
// the post, so the same post re-ingested lands on the same key and ON CONFLICT skips it. A
// post id seen again with *another* posted_at (a different --timezone for naive times) is
// caught before the insert by a probe on the key's (platform, post_id) prefix, which this
// primary key serves in every partition; it is counted a duplicate and noted 'changed', as
// before. The primary key also serves every lookup by (platform, post_id) (evidence posts,
// the console's post pages).
//
// Indexes, each for a query (measured in bench/ingest.ts, index-cost section):
// - primary key (platform, post_id, posted_at): dedup; posts by key.
// - posts_posted_at_idx (posted_at): detection windows (src/detect/load.ts), max(posted_at),
//   newest-first search pages.
// - posts_account_idx (platform, account_id, posted_at): an account's posts and count
//   (console account page, API), alert timelines (members' posts over a span).
// - posts_text_trgm_idx, GIN on text of originals (where pg_trgm is available): console and
//   API text search (migration 2026-12-02T00-10-00).
// Dropped, as no query uses them: posts_repost_of_idx (nothing selects by repost_of; detection
// groups reposts in memory), posts_urls_idx and posts_hashtags_idx (GIN on the arrays: the
// only filters on them are `x = any(p.hashtags)` / `any(p.urls)`, which a GIN index cannot
// serve; they cost 1.0 s + 1.4 s + 0.7 s of the 7.2 s bare COPY of ira-2016q4).

const month = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table posts_p (like posts including defaults) partition by range (posted_at)`.execute(db);
  const months = await sql<{ m: Date }>`select distinct date_trunc('month', posted_at, 'UTC') as m from posts order by 1`.execute(db);
  for (const { m } of months.rows) {
    const from = new Date(m);
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    const name = `posts_y${month(from).replace('-', 'm')}`;
    await sql
      .raw(`create table ${name} partition of posts_p for values from ('${from.toISOString()}') to ('${to.toISOString()}')`)
      .execute(db);
  }
  await sql`insert into posts_p select * from posts`.execute(db);
  await sql`drop table posts`.execute(db);
  await sql`alter table posts_p rename to posts`.execute(db);
  await sql`alter table posts add constraint posts_pkey primary key (platform, post_id, posted_at)`.execute(db);
  await sql`create index posts_posted_at_idx on posts (posted_at)`.execute(db);
  await sql`create index posts_account_idx on posts (platform, account_id, posted_at)`.execute(db);
  const trgm = await sql<{ one: number }>`select 1 as one from pg_extension where extname = 'pg_trgm'`.execute(db);
  if (trgm.rows.length > 0) {
    await sql`create index posts_text_trgm_idx on posts using gin (text gin_trgm_ops) where repost_of is null`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create table posts_u (like posts including defaults)`.execute(db);
  await sql`insert into posts_u select * from posts`.execute(db);
  await sql`drop table posts`.execute(db);
  await sql`alter table posts_u rename to posts`.execute(db);
  await sql`alter table posts add constraint posts_pkey primary key (platform, post_id)`.execute(db);
  await sql`create index posts_posted_at_idx on posts (posted_at)`.execute(db);
  await sql`create index posts_account_idx on posts (platform, account_id, posted_at)`.execute(db);
  await sql`create index posts_repost_of_idx on posts (repost_of, posted_at) where repost_of is not null`.execute(db);
  await sql`create index posts_urls_idx on posts using gin (urls)`.execute(db);
  await sql`create index posts_hashtags_idx on posts using gin (hashtags)`.execute(db);
  const trgm = await sql<{ one: number }>`select 1 as one from pg_extension where extname = 'pg_trgm'`.execute(db);
  if (trgm.rows.length > 0) {
    await sql`create index posts_text_trgm_idx on posts using gin (text gin_trgm_ops) where repost_of is null`.execute(db);
  }
}
