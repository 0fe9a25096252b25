import type { Kysely } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// Long-horizon pair memory: what each deep scan saw of every pair of accounts, per kind and UTC
// day (every co-action, weight 1 included). Later deep scans add the earlier days, decayed, to
// the pairs they see active again (src/core/memory). Rows of the same day seen by overlapping
// scans keep their largest weight, so re-scanning a day adds nothing.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pair_memory')
    .addColumn('account_a', 'text', (c) => c.notNull())
    .addColumn('account_b', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('weight', 'integer', (c) => c.notNull())
    .addColumn('strength', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('pair_memory_pkey', ['account_a', 'account_b', 'kind', 'day'])
    .execute();
  await db.schema.createIndex('pair_memory_day_idx').on('pair_memory').column('day').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('pair_memory').ifExists().execute();
}
