import type { Migration } from 'kysely';
import * as m20261126T130000 from './2026-11-26T13-00-00_ingest-foundation.ts';

/**
 * The barrel of migrations, in order. Kysely's FileMigrationProvider cannot import `.ts`
 * under vitest, so new migrations are listed here by name.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-26T13-00-00_ingest-foundation': m20261126T130000,
};
