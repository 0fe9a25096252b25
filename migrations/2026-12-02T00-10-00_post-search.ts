import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// Search in the console (/console/posts, /console/accounts) and the API's `q` filters are
// substring matches (ILIKE '%term%'); trigram GIN indexes answer them without reading
// every row. Measured on the 241,947 IRA posts (Postgres 15, 2 busy cores): a phrase
// search 820 ms → 41 ms. The index is costly to keep up (a COPY of 50,000 posts took
// 0.16 s bare and 12.8 s into a table with it), so it covers original posts only
// (`repost_of is null`): a repost's text is its original's, found through the original,
// and reposts are most posts of a busy night (190,000 of the 241,947). The console
// searches originals by default and reposts on request (a scan).
//
// pg_trgm ships with Postgres 15/16 (contrib); an embedded PGlite has it only when its
// contrib module is loaded. Where it is not available this migration adds nothing and
// search stays a sequential ILIKE — correct, only slower.

export async function up(db: Kysely<any>): Promise<void> {
  const avail = await sql<{ one: number }>`select 1 as one from pg_available_extensions where name = 'pg_trgm'`.execute(db);
  if (avail.rows.length === 0) return;
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index if not exists posts_text_trgm_idx on posts using gin (text gin_trgm_ops) where repost_of is null`.execute(db);
  await sql`create index if not exists accounts_handle_trgm_idx on accounts using gin (handle gin_trgm_ops)`.execute(db);
  await sql`create index if not exists accounts_name_trgm_idx on accounts using gin (display_name gin_trgm_ops)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists accounts_name_trgm_idx`.execute(db);
  await sql`drop index if exists accounts_handle_trgm_idx`.execute(db);
  await sql`drop index if exists posts_text_trgm_idx`.execute(db);
}
