import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// A default partition of posts, for rows written by anything but the ingest writer (seeds,
// tests, tools inserting into posts directly), which creates the month partitions it needs
// first and so never writes here. When the writer later needs the month of rows held here,
// it moves them into the new month partition in one transaction (ensurePostPartitions in
// src/db/ingest-repository.ts). `coordwatch retention` never drops it and says how many posts
// it holds.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table if not exists posts_default partition of posts default`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists posts_default`.execute(db);
}
