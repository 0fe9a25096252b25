import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// posts_account_idx leads with account_id: (account_id, platform, posted_at) instead of
// (platform, account_id, posted_at). Every query it serves names both (an account's posts and
// count, alert timelines: equality on platform and account_id, then posted_at) and is served
// the same; the console's search by account alone is now served too.
//
// Why: ingest's duplicate probe (`not exists (select 1 from posts p where p.platform = … and
// p.post_id = …)`, src/db/ingest-repository.ts) is planned per chunk against every partition.
// For a partition with no statistics yet (a month just created, or posts_default) the planner
// rated the old index, led by platform, as good as the primary key and chose it: an index
// scan on `platform = 'x'` with post_id as a filter, i.e. every row of the partition per
// probed post. A chunk planned while its month was empty then crawled for minutes while the
// other writers filled that month (one chunk of ira-2016q4 ran 4 min 23 s, 293 s for the
// file instead of ~17 s). With no other index led by platform or post_id the probe can only
// use the primary key (measured: EXPLAIN on a fresh partition, bench/ingest.ts).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists posts_account_idx`.execute(db);
  await sql`create index posts_account_idx on posts (account_id, platform, posted_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists posts_account_idx`.execute(db);
  await sql`create index posts_account_idx on posts (platform, account_id, posted_at)`.execute(db);
}
