import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { accountKey } from '../core/keys.ts';
import type { CanonicalAccount } from '../core/types.ts';
import type { Account, Database } from './schema/index.ts';

/** Identity of a persona: what an operator changes when recycling an account. */
export function personaHash(a: CanonicalAccount, lang: string | null): string {
  return personaHashOf(personaInput(a, lang));
}

/** What personaHash hashes: the persona's fields joined by U+001F, a missing one as U+0000. */
const f = (v: string | null | undefined) => v ?? '\u0000';
export function personaInput(a: CanonicalAccount, lang: string | null): string {
  return `${f(a.handle)}\u001f${f(a.display_name)}\u001f${f(a.bio)}\u001f${f(a.location)}\u001f${f(a.avatar_hash)}\u001f${f(lang)}`;
}

/** personaHash from personaInput's string (callers that see one persona many times hash it once). */
export function personaHashOf(input: string): string {
  return createHash('sha1').update(input).digest('hex').slice(0, 20);
}

/**
 * Candidates for A7 persona groups (core/signals/a7-persona-group.ts): the accounts whose
 * lower-cased handle, display name, bio or avatar hash is also carried by an account of another
 * platform. An index-backed pre-filter (accounts_handle_idx covers the handle; the other three are
 * grouped over the table), so the pure grouping sees hundreds of accounts, not millions.
 */
export async function personaCandidates(db: Kysely<Database>, limit = 10_000): Promise<{ key: string; platform: string; account: CanonicalAccount }[]> {
  const r = await sql<Pick<Account, 'platform' | 'account_id' | 'handle' | 'display_name' | 'bio' | 'created_at' | 'followers' | 'following' | 'location' | 'avatar_hash'>>`
    with v as (
      select platform, account_id, 'h' as k, lower(regexp_replace(handle, '\\.bsky\\.social$', '')) as val from accounts where handle is not null
      union all select platform, account_id, 'n', lower(display_name) from accounts where display_name is not null
      union all select platform, account_id, 'b', lower(bio) from accounts where bio is not null and length(bio) >= 20
      union all select platform, account_id, 'a', avatar_hash from accounts where avatar_hash is not null
    ), shared as (
      select k, val from v group by k, val having count(distinct platform) >= 2
    ), hit as (
      select distinct v.platform, v.account_id from v join shared using (k, val)
    )
    select a.platform, a.account_id, a.handle, a.display_name, a.bio, a.created_at, a.followers, a.following, a.location, a.avatar_hash
    from accounts a join hit using (platform, account_id)
    order by a.platform, a.account_id
    limit ${limit}`.execute(db);
  return r.rows.map((x) => ({
    key: accountKey(x.platform, x.account_id),
    platform: x.platform,
    account: {
      id: x.account_id,
      handle: x.handle,
      display_name: x.display_name,
      bio: x.bio,
      created_at: x.created_at === null ? null : x.created_at.toISOString(),
      followers: x.followers,
      following: x.following,
      location: x.location,
      avatar_hash: x.avatar_hash,
    },
  }));
}
