import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// A batch always ends and says what happened to every record:
// - `heartbeat_at`: the producer bumps it while it reads, every chunk write bumps it; a
//   `running` batch whose heartbeat is older than the stale timeout is reaped (`abandoned`).
// - `changed`: records whose post id was stored already with other content (not written
//   again; listed in ingest_post_notes, kind 'changed'). They are counted in `duplicates` too.
// - `trimmed`: records stored with a field trimmed to a storage limit (notes of kind 'trimmed').
// - ingest_chunk_failures: failed attempts per chunk, so the last one fails the batch with
//   its reason instead of leaving it `running`.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ingest_batches
    add column changed integer not null default 0,
    add column trimmed integer not null default 0,
    add column heartbeat_at timestamptz not null default now()`.execute(db);
  await sql`create index ingest_batches_running_idx on ingest_batches (heartbeat_at) where status = 'running'`.execute(db);

  await db.schema
    .createTable('ingest_post_notes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('batch_id', 'bigint', (c) => c.notNull().references('ingest_batches.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // changed | trimmed
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('post_id', 'text', (c) => c.notNull())
    .addColumn('file', 'text')
    .addColumn('line', 'integer')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('ingest_post_notes_batch_idx').on('ingest_post_notes').columns(['batch_id', 'kind', 'id']).execute();

  await db.schema
    .createTable('ingest_chunk_failures')
    .addColumn('batch_id', 'bigint', (c) => c.notNull().references('ingest_batches.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ingest_chunk_failures_pkey', ['batch_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ingest_chunk_failures').ifExists().execute();
  await db.schema.dropTable('ingest_post_notes').ifExists().execute();
  await sql`drop index if exists ingest_batches_running_idx`.execute(db);
  await sql`alter table ingest_batches drop column if exists changed, drop column if exists trimmed, drop column if exists heartbeat_at`.execute(db);
}
