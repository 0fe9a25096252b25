import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// Accounts and posts are referred to by their keys `platform:id` (what the detection core
// sees); alert members also carry platform and account_id apart, to join `accounts` by hand.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('scan_runs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // window | rolling | deep | manual
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('stats', 'jsonb')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running')) // running | completed | failed | skipped
    .addColumn('error', 'text')
    .addColumn('job_id', 'text')
    .addColumn('detector_version', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('scan_runs_kind_idx').on('scan_runs').columns(['kind', 'id']).execute();

  // One row per (window, kind, pair): a re-run of the window replaces its rows.
  await db.schema
    .createTable('coordination_edges')
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('account_a', 'text', (c) => c.notNull())
    .addColumn('account_b', 'text', (c) => c.notNull())
    .addColumn('weight', 'integer', (c) => c.notNull())
    .addColumn('strength', 'double precision', (c) => c.notNull())
    .addColumn('evidence_posts', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('evidence', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('detector_version', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('coordination_edges_pkey', ['window_start', 'kind', 'account_a', 'account_b'])
    .execute();
  await db.schema.createIndex('coordination_edges_a_idx').on('coordination_edges').columns(['account_a', 'window_start']).execute();
  await db.schema.createIndex('coordination_edges_b_idx').on('coordination_edges').columns(['account_b', 'window_start']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    // the founding cluster's member hash; never changes
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open')) // open | in_review | confirmed | dismissed | escalated
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('score_parts', 'jsonb', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('narratives', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('kinds', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('member_count', 'integer', (c) => c.notNull())
    // activity span of the clusters behind the alert (post times)
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('detector_version', 'text', (c) => c.notNull())
    .addColumn('assignee', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('alerts_status_score_idx').on('alerts').columns(['status', 'score']).execute();

  await db.schema
    .createTable('alert_members')
    .addColumn('alert_id', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('account_key', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull()) // hub | core | peripheral
    .addColumn('cohesion', 'double precision', (c) => c.notNull())
    .addColumn('shared', 'integer', (c) => c.notNull())
    .addColumn('degree', 'integer', (c) => c.notNull())
    .addColumn('suspicion', 'double precision')
    .addColumn('watchlisted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('signals', 'jsonb')
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('alert_members_pkey', ['alert_id', 'account_key'])
    .execute();
  await db.schema.createIndex('alert_members_account_idx').on('alert_members').column('account_key').execute();

  await db.schema
    .createTable('alert_evidence')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('alert_id', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('kind', 'text', (c) => c.notNull()) // text | link | hashtag | repost
    // what makes this piece of evidence itself (pair of posts, url…): no duplicates on re-runs
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('post_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('alert_evidence_key_uq', ['alert_id', 'kind', 'key'])
    .execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('alert_id', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull()) // 'system' or an analyst
    .addColumn('action', 'text', (c) => c.notNull()) // opened | updated | status | assigned | reopened | note
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('note', 'text')
    .addColumn('data', 'jsonb')
    .execute();
  await db.schema.createIndex('alert_events_alert_idx').on('alert_events').columns(['alert_id', 'id']).execute();
  // The audit log is append-only: the database refuses to change or delete it.
  await sql`
    create function alert_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'alert_events is append-only';
    end $$`.execute(db);
  await sql`
    create trigger alert_events_no_change before update or delete on alert_events
    for each row execute function alert_events_append_only()`.execute(db);

  await db.schema
    .createTable('clusters')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('scan_run_id', 'bigint', (c) => c.references('scan_runs.id'))
    .addColumn('members', sql`text[]`, (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('score_parts', 'jsonb', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('kinds', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('stats', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('null_model', 'jsonb')
    .addColumn('narratives', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('alert_id', 'bigint', (c) => c.references('alerts.id'))
    // what the cluster did to the alerts: opened | updated | unchanged | suppressed | reopened | below_threshold
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detector_version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('clusters_window_fp_uq', ['window_start', 'window_end', 'fingerprint', 'detector_version'])
    .execute();
  await db.schema.createIndex('clusters_alert_idx').on('clusters').column('alert_id').execute();

  await db.schema
    .createTable('watchlist')
    .addColumn('account_key', 'text', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'bigint', (c) => c.references('alerts.id'))
    .addColumn('reason', 'text')
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // A dismissed alert's members at dismissal: later clusters that mostly overlap them stay
  // quiet unless they grow materially.
  await db.schema
    .createTable('suppressions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('alert_id', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('members', sql`text[]`, (c) => c.notNull())
    .addColumn('member_count', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_hit_at', 'timestamptz')
    .addColumn('lifted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('suppressions_members_idx').on('suppressions').using('gin').column('members').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['suppressions', 'watchlist', 'clusters', 'alert_events', 'alert_evidence', 'alert_members', 'alerts', 'coordination_edges', 'scan_runs']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop function if exists alert_events_append_only()`.execute(db);
}
