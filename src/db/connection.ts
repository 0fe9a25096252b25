import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import type { MigrationProvider, MigrationResultSet } from 'kysely';
import pg from 'pg';
import { migrations } from '../../migrations/index.ts';
import { redact } from '../../config/config.ts';
import type { Config } from '../../config/config.ts';
import type { Database } from './schema/index.ts';
import { DbUnreachableError, MigrationError } from './errors.ts';

// int8 (bigserial ids, counts) as JS numbers, as PGlite already returns them: both
// backends then agree. Ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export type DbKind = 'postgres' | 'pglite';

export interface Db {
  kysely: Kysely<Database>;
  kind: DbKind;
  /** for messages: the URL without password, or the data folder */
  where: string;
  /** the pg pool, for COPY (postgres only) */
  pool: pg.Pool | null;
  close(): Promise<void>;
}

export { DbUnreachableError, MigrationError };

export async function openDb(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'pgPoolSize'>,
): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, config.pgPoolSize);
  return openPglite(path.join(config.dataDir, 'pglite'));
}

export async function openPostgres(url: string, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server must not crash the process; the next query fails
  // and the job retries.
  pool.on('error', () => {});
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(kysely);
  } catch (err) {
    await kysely.destroy().catch(() => {});
    throw new DbUnreachableError(
      `cannot reach Postgres at ${redact(url)}: ${(err as Error).message}. ` +
        'Start Postgres or fix DATABASE_URL; unset DATABASE_URL to use the embedded database.',
    );
  }
  return { kysely, kind: 'postgres', where: redact(url), pool, close: () => kysely.destroy() };
}

export async function openPglite(dir: string): Promise<Db> {
  // Loaded lazily: production (Postgres) never pays for the wasm build.
  const { PGlite } = await import('@electric-sql/pglite');
  const { KyselyPGlite } = await import('kysely-pglite');
  let client;
  if (dir === 'memory://') {
    client = new PGlite();
  } else {
    fs.mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  try {
    await client.waitReady;
  } catch (err) {
    throw new DbUnreachableError(
      `cannot open the embedded database in ${dir}: ${(err as Error).message}. ` +
        'Is another coordwatch process using it? Set DATA_DIR to another folder or stop the other process.',
    );
  }
  const { dialect } = new KyselyPGlite(client);
  const kysely = new Kysely<Database>({ dialect });
  return {
    kysely,
    kind: 'pglite',
    where: dir,
    pool: null,
    close: async () => {
      await kysely.destroy();
      if (!client.closed) await client.close();
    },
  };
}

const barrelProvider: MigrationProvider = { getMigrations: async () => migrations };


export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: barrelProvider });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new MigrationError(
      `migration ${failed?.migrationName ?? '?'} failed: ${(result.error as Error).message ?? String(result.error)}`,
    );
  }
  return result;
}
