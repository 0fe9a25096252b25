import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// An analyst's call on one member of an alert: a cluster can be mostly right with one
// bystander caught in it. The latest call per member is kept here; every call is also an
// event in alert_events.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alert_member_decisions')
    .addColumn('alert_id', 'bigint', (c) => c.notNull().references('alerts.id'))
    .addColumn('account_key', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull()) // coordinated | bystander | unsure
    .addColumn('note', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('alert_member_decisions_pkey', ['alert_id', 'account_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_member_decisions').ifExists().execute();
}
