import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { ApiKey, ApiRole, Database } from './schema/index.ts';
import { API_ROLES } from './schema/index.ts';

/** Keys look like `cw_<43 base64url chars>`: 32 random bytes, recognisable in a leak scan. */
const KEY_PREFIX = 'cw_';

export class ApiKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeyError';
  }
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** What listings show of a key: never its hash. */
export type ApiKeyInfo = Omit<ApiKey, 'key_hash'>;

const INFO_COLUMNS = [
  'id',
  'name',
  'role',
  'key_prefix',
  'created_by',
  'created_at',
  'last_used_at',
  'revoked_at',
] as const;

export function apiKeyRepository(db: Kysely<Database>) {
  return {
    /** A new key; the clear key is returned once and never stored. */
    async create(input: {
      name: string;
      role: ApiRole;
      createdBy?: string | null;
    }): Promise<{ key: string; info: ApiKeyInfo }> {
      const name = input.name.trim();
      if (!/^[\p{L}\p{N} ._@:-]{1,64}$/u.test(name))
        throw new ApiKeyError('name: 1 to 64 letters, digits, spaces or ._@:-');
      if (!API_ROLES.includes(input.role))
        throw new ApiKeyError(`role: one of ${API_ROLES.join(', ')}, not "${input.role}"`);
      const live = await db
        .selectFrom('api_keys')
        .select('id')
        .where('name', '=', name)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (live)
        throw new ApiKeyError(
          `a live key is already named "${name}"; revoke it or pick another name`,
        );
      const key = newKey();
      const info = await db
        .insertInto('api_keys')
        .values({
          name,
          role: input.role,
          key_hash: hashKey(key),
          key_prefix: key.slice(0, 10),
          created_by: input.createdBy ?? null,
          last_used_at: null,
          revoked_at: null,
        })
        .returning(INFO_COLUMNS)
        .executeTakeFirstOrThrow();
      return { key, info };
    },

    /** The live key a request presents, or null (unknown or revoked). */
    async verify(key: string): Promise<ApiKeyInfo | null> {
      if (!key.startsWith(KEY_PREFIX) || key.length > 100) return null;
      const row = await db
        .selectFrom('api_keys')
        .select(INFO_COLUMNS)
        .where('key_hash', '=', hashKey(key))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row ?? null;
    },

    /** Hashes of the live keys (a few hundred at most): lets a throttled address still use a real key. */
    async liveHashes(): Promise<Set<string>> {
      const rows = await db
        .selectFrom('api_keys')
        .select('key_hash')
        .where('revoked_at', 'is', null)
        .execute();
      return new Set(rows.map((r) => r.key_hash));
    },

    /** At most one write a minute per key: a busy console must not write a row per request. */
    async touch(id: number): Promise<void> {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: sql`now()` })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('last_used_at', 'is', null),
            eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
          ]),
        )
        .execute();
    },

    async list(opts: { includeRevoked?: boolean } = {}): Promise<ApiKeyInfo[]> {
      let q = db.selectFrom('api_keys').select(INFO_COLUMNS);
      if (!opts.includeRevoked) q = q.where('revoked_at', 'is', null);
      return q.orderBy('id').execute();
    },

    /** Revoke by id or by (live) name; returns the revoked key or null when none matched. */
    async revoke(idOrName: string): Promise<ApiKeyInfo | null> {
      const byId = /^\d+$/.test(idOrName);
      let q = db
        .updateTable('api_keys')
        .set({ revoked_at: sql`now()` })
        .where('revoked_at', 'is', null);
      q = byId ? q.where('id', '=', Number(idOrName)) : q.where('name', '=', idOrName);
      const r = await q.returning(INFO_COLUMNS).executeTakeFirst();
      return r ?? null;
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof apiKeyRepository>;
