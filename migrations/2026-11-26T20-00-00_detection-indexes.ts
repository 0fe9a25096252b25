import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen once landed: a change is a new migration.
//
// Every detection window run is a scan_runs row (a live window runs again and again): a
// window's latest run and the runs after it are found by window, not by scanning every run.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index scan_runs_window_idx on scan_runs (window_start, id) where kind = 'window'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists scan_runs_window_idx`.execute(db);
}
