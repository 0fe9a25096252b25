import type { Generated, Selectable } from 'kysely';

export const tableName = 'account_sightings';

export interface AccountSightingsTable {
  platform: string;
  account_id: string;
  persona_hash: string;
  handle: string | null;
  display_name: string | null;
  bio: string | null;
  location: string | null;
  avatar_hash: string | null;
  lang: string | null;
  followers: number | null;
  following: number | null;
  first_seen_at: Date;
  last_seen_at: Date;
  posts: Generated<number>;
}

export type AccountSighting = Selectable<AccountSightingsTable>;
export type PartialDB = { [tableName]: AccountSightingsTable };
