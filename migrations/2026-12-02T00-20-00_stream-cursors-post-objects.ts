import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// stream_cursors: where each live stream (`coordwatch stream bluesky`) has got to, so a restart
// resumes without a gap: `cursor_us` is the Jetstream `time_us` of the last event whose chunk was
// queued; `seen` the ids of the events within the resume overlap before it, so the replayed
// overlap is not recorded twice.
//
// posts.objects: the `<kind>:<id>` objects of CanonicalPost.objects (sound:, like:, fwd:,
// follow:, share:) for co_sound, co_like and co_forward.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stream_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('cursor_us', 'bigint', (c) => c.notNull())
    .addColumn('seen', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('events', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table posts add column objects text[] not null default '{}'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table posts drop column if exists objects`.execute(db);
  await db.schema.dropTable('stream_cursors').ifExists().execute();
}
