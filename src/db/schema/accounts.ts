import type { Generated, Selectable } from 'kysely';

export const tableName = 'accounts';

export interface AccountsTable {
  platform: string;
  account_id: string;
  handle: string | null;
  display_name: string | null;
  bio: string | null;
  created_at: Date | null;
  followers: number | null;
  following: number | null;
  location: string | null;
  avatar_hash: string | null;
  first_post_at: Date | null;
  last_post_at: Date | null;
  updated_at: Generated<Date>;
}

export type Account = Selectable<AccountsTable>;
export type PartialDB = { [tableName]: AccountsTable };
