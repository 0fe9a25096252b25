import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ingest_batches')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull()) // cli | api | queue
    .addColumn('format', 'text')
    .addColumn('file_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running')) // running | completed | failed
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('chunks_expected', 'integer')
    .addColumn('chunks_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();

  // One row per chunk written: the chunk's transaction inserts it, so a retried chunk
  // sees it and writes nothing twice.
  await db.schema
    .createTable('ingest_chunks')
    .addColumn('batch_id', 'bigint', (c) => c.notNull().references('ingest_batches.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull())
    .addColumn('accepted', 'integer', (c) => c.notNull())
    .addColumn('duplicates', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('written_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ingest_chunks_pkey', ['batch_id', 'seq'])
    .execute();

  await db.schema
    .createTable('rejected_records')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('batch_id', 'bigint', (c) => c.notNull().references('ingest_batches.id').onDelete('cascade'))
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('rejected_records_batch_idx').on('rejected_records').columns(['batch_id', 'id']).execute();

  await db.schema
    .createTable('accounts')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('handle', 'text')
    .addColumn('display_name', 'text')
    .addColumn('bio', 'text')
    .addColumn('created_at', 'timestamptz')
    .addColumn('followers', 'integer')
    .addColumn('following', 'integer')
    .addColumn('location', 'text')
    .addColumn('avatar_hash', 'text')
    .addColumn('first_post_at', 'timestamptz')
    .addColumn('last_post_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('accounts_pkey', ['platform', 'account_id'])
    .execute();
  await db.schema.createIndex('accounts_handle_idx').on('accounts').expression(sql`lower(handle)`).execute();

  // Each distinct persona (handle, name, bio, location, avatar, language) an account has
  // shown, with when it was first and last seen: the raw material for persona drift (A5).
  await db.schema
    .createTable('account_sightings')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('persona_hash', 'text', (c) => c.notNull())
    .addColumn('handle', 'text')
    .addColumn('display_name', 'text')
    .addColumn('bio', 'text')
    .addColumn('location', 'text')
    .addColumn('avatar_hash', 'text')
    .addColumn('lang', 'text')
    .addColumn('followers', 'integer')
    .addColumn('following', 'integer')
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('posts', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('account_sightings_pkey', ['platform', 'account_id', 'persona_hash'])
    .execute();

  await db.schema
    .createTable('posts')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('post_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('posted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('lang', 'text')
    .addColumn('urls', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('hashtags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('mentions', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('media_hashes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('repost_of', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('batch_id', 'bigint')
    .addColumn('ingested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('posts_pkey', ['platform', 'post_id'])
    .execute();
  await db.schema.createIndex('posts_posted_at_idx').on('posts').column('posted_at').execute();
  await db.schema
    .createIndex('posts_account_idx')
    .on('posts')
    .columns(['platform', 'account_id', 'posted_at'])
    .execute();
  await db.schema
    .createIndex('posts_repost_of_idx')
    .on('posts')
    .columns(['repost_of', 'posted_at'])
    .where(sql.ref('repost_of'), 'is not', null)
    .execute();
  await db.schema.createIndex('posts_urls_idx').on('posts').using('gin').column('urls').execute();
  await db.schema.createIndex('posts_hashtags_idx').on('posts').using('gin').column('hashtags').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['posts', 'account_sightings', 'accounts', 'rejected_records', 'ingest_chunks', 'ingest_batches']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
