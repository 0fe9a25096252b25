import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { migrations } from '../../migrations/index.ts';
import { migrateToLatest, openPostgres } from '../../src/db/connection.ts';
import type { Db } from '../../src/db/connection.ts';

/** Real services for integration tests (never mocks). Override with these variables. */
export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const templateName = () => {
  // The template's name changes with the migration list, so a new migration gets a new template.
  const h = Object.keys(migrations).join('|');
  let x = 0;
  for (let i = 0; i < h.length; i++) x = (x * 31 + h.charCodeAt(i)) >>> 0;
  return `cw_template_${x.toString(36)}`;
};

function urlFor(dbName: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
}

async function ensureTemplate(admin: pg.Client): Promise<string> {
  const name = templateName();
  // One test file builds the template; the others wait on the lock.
  await admin.query('select pg_advisory_lock(727274)');
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`create database "${name}_tmp"`).catch(async () => {
        await admin.query(`drop database if exists "${name}_tmp" with (force)`);
        await admin.query(`create database "${name}_tmp"`);
      });
      const db = await openPostgres(urlFor(`${name}_tmp`), 1);
      await migrateToLatest(db.kysely);
      await db.close();
      await admin.query(`alter database "${name}_tmp" rename to "${name}"`);
    }
  } finally {
    await admin.query('select pg_advisory_unlock(727274)');
  }
  return name;
}

export interface TestDatabase {
  url: string;
  name: string;
  open(): Promise<Db>;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own, cloned from the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const template = await ensureTemplate(admin);
    const name = `cw_test_${randomBytes(6).toString('hex')}`;
    await admin.query(`create database "${name}" template "${template}"`);
    const url = urlFor(name);
    return {
      url,
      name,
      open: () => openPostgres(url, 5),
      drop: async () => {
        const a = new pg.Client({ connectionString: PG_ADMIN_URL });
        await a.connect();
        await a.query(`drop database if exists "${name}" with (force)`);
        await a.end();
      },
    };
  } finally {
    await admin.end();
  }
}

/** A queue prefix of its own, and a way to delete everything under it. */
export function testQueuePrefix(): { prefix: string; cleanup(): Promise<void> } {
  const prefix = `cwtest-${randomBytes(5).toString('hex')}`;
  return {
    prefix,
    cleanup: async () => {
      const r = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await r.del(...keys);
      } while (cursor !== '0');
      r.disconnect();
    },
  };
}
