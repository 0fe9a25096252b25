import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// Shadow mode: a candidate detector config runs beside the live one on the same windows and
// scans, writing no alerts. shadow_configs holds each candidate once (by the hash of its JSON),
// shadow_runs every shadow analysis (ok or failed, beside which live run), shadow_clusters the
// clusters the candidate found, for `coordwatch shadow report`.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('shadow_configs')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('config', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('shadow_runs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('candidate_hash', 'text', (c) => c.notNull().references('shadow_configs.hash'))
    .addColumn('scan_run_id', 'bigint', (c) => c.references('scan_runs.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('posts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clusters', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('shadow_runs_candidate_idx').on('shadow_runs').columns(['candidate_hash', 'window_end']).execute();
  await db.schema
    .createTable('shadow_clusters')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('shadow_run_id', 'bigint', (c) => c.notNull().references('shadow_runs.id').onDelete('cascade'))
    .addColumn('candidate_hash', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('members', sql`text[]`, (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('flagged', 'boolean', (c) => c.notNull())
    .addColumn('kinds', sql`text[]`, (c) => c.notNull())
    .addColumn('score_parts', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shadow_clusters_run_idx').on('shadow_clusters').column('shadow_run_id').execute();
  await db.schema.createIndex('shadow_clusters_candidate_idx').on('shadow_clusters').columns(['candidate_hash', 'window_end']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('shadow_clusters').ifExists().execute();
  await db.schema.dropTable('shadow_runs').ifExists().execute();
  await db.schema.dropTable('shadow_configs').ifExists().execute();
}
