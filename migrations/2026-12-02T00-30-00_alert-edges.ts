import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// The coordination edges that hold an alert's clusters together, as the detector built them
// (kind, weight, strength, a few evidence posts). The analyst's network picture draws these,
// and nothing else: scans keep no window edges, so the alert keeps its own.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alert_edges')
    .addColumn('alert_id', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('account_a', 'text', (c) => c.notNull())
    .addColumn('account_b', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('weight', 'integer', (c) => c.notNull())
    .addColumn('strength', 'double precision', (c) => c.notNull())
    .addColumn('evidence_posts', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_edges_pkey', ['alert_id', 'account_a', 'account_b', 'kind'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_edges').ifExists().execute();
}
