import type { Migration } from 'kysely';
import * as m20261126T130000 from './2026-11-26T13-00-00_ingest-foundation.ts';
import * as m20261126T160000 from './2026-11-26T16-00-00_alerting.ts';
import * as m20261126T180000 from './2026-11-26T18-00-00_api-keys.ts';
import * as m20261126T180001 from './2026-11-26T18-00-01_member-decisions.ts';
import * as m20261126T200000 from './2026-11-26T20-00-00_detection-indexes.ts';
import * as m20261201T233000 from './2026-12-01T23-30-00_console-sessions.ts';
import * as m20261202T010000 from './2026-12-02T01-00-00_ingest-hardening.ts';
import * as m20261202T001000 from './2026-12-02T00-10-00_post-search.ts';
import * as m20261202T002000 from './2026-12-02T00-20-00_stream-cursors-post-objects.ts';
import * as m20261202T003000 from './2026-12-02T00-30-00_alert-edges.ts';
import * as m20261202T004000 from './2026-12-02T00-40-00_shadow.ts';
import * as m20261202T003500 from './2026-12-02T00-35-00_pair-memory.ts';
import * as m20261202T030000 from './2026-12-02T03-00-00_posts-partitioned.ts';
import * as m20261202T033000 from './2026-12-02T03-30-00_posts-default-partition.ts';
import * as m20261202T153000 from './2026-12-02T15-30-00_posts-account-idx-order.ts';

/**
 * The barrel of migrations, in order. Kysely's FileMigrationProvider cannot import `.ts`
 * under vitest, so new migrations are listed here by name.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-26T13-00-00_ingest-foundation': m20261126T130000,
  '2026-11-26T16-00-00_alerting': m20261126T160000,
  '2026-11-26T18-00-00_api-keys': m20261126T180000,
  '2026-11-26T18-00-01_member-decisions': m20261126T180001,
  '2026-11-26T20-00-00_detection-indexes': m20261126T200000,
  '2026-12-01T23-30-00_console-sessions': m20261201T233000,
  '2026-12-02T01-00-00_ingest-hardening': m20261202T010000,
  '2026-12-02T00-10-00_post-search': m20261202T001000,
  '2026-12-02T00-20-00_stream-cursors-post-objects': m20261202T002000,
  '2026-12-02T00-30-00_alert-edges': m20261202T003000,
  '2026-12-02T00-40-00_shadow': m20261202T004000,
  '2026-12-02T00-35-00_pair-memory': m20261202T003500,
  '2026-12-02T03-00-00_posts-partitioned': m20261202T030000,
  '2026-12-02T03-30-00_posts-default-partition': m20261202T033000,
  '2026-12-02T15-30-00_posts-account-idx-order': m20261202T153000,
};
