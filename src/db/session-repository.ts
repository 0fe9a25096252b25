import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { ApiKeyInfo } from './api-key-repository.ts';
import type { Database } from './schema/index.ts';

/** Session ids look like `cws_<43 base64url chars>`: 32 random bytes, never an API key. */
const SESSION_PREFIX = 'cws_';
const SESSION_RE = /^cws_[A-Za-z0-9_-]{43}$/;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a string could be a session id at all (no lookup for anything else). */
export const looksLikeSessionToken = (token: string): boolean => SESSION_RE.test(token);

export interface SessionInfo {
  id: number;
  expires_at: Date;
  key: ApiKeyInfo;
}

/** Console sessions: an opaque id in the cookie, its hash in `console_sessions`. */
export function sessionRepository(db: Kysely<Database>) {
  return {
    /** A new session for a (verified) key; the clear id is returned once. */
    async create(keyId: number, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
      const token = SESSION_PREFIX + randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + ttlMs);
      await db
        .insertInto('console_sessions')
        .values({
          token_hash: hashSessionToken(token),
          key_id: keyId,
          expires_at: expiresAt,
          revoked_at: null,
        })
        .execute();
      return { token, expiresAt };
    },

    /** The live session and its live key, or null (unknown, expired, logged out, key revoked). */
    async verify(token: string): Promise<SessionInfo | null> {
      if (!looksLikeSessionToken(token)) return null;
      const row = await db
        .selectFrom('console_sessions as s')
        .innerJoin('api_keys as k', 'k.id', 's.key_id')
        .select([
          's.id as session_id',
          's.expires_at',
          'k.id',
          'k.name',
          'k.role',
          'k.key_prefix',
          'k.created_by',
          'k.created_at',
          'k.last_used_at',
          'k.revoked_at',
        ])
        .where('s.token_hash', '=', hashSessionToken(token))
        .where('s.revoked_at', 'is', null)
        .where('s.expires_at', '>', sql<Date>`now()`)
        .where('k.revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      const { session_id, expires_at, ...key } = row;
      return { id: Number(session_id), expires_at, key: { ...key, id: Number(key.id) } };
    },

    /** Logout: the session stops working at once. Returns whether a live session was ended. */
    async revoke(token: string): Promise<boolean> {
      if (!looksLikeSessionToken(token)) return false;
      const r = await db
        .updateTable('console_sessions')
        .set({ revoked_at: sql`now()` })
        .where('token_hash', '=', hashSessionToken(token))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** Sessions that ended more than `olderThanMs` ago are only clutter. */
    async purge(olderThanMs: number): Promise<number> {
      const cutoff = new Date(Date.now() - olderThanMs);
      const r = await db
        .deleteFrom('console_sessions')
        .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type SessionRepository = ReturnType<typeof sessionRepository>;
