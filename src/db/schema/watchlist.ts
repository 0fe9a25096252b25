import type { Generated, Selectable } from 'kysely';

export const tableName = 'watchlist';

export interface WatchlistTable {
  account_key: string;
  platform: string;
  account_id: string;
  alert_id: number | null;
  reason: string | null;
  added_by: string;
  added_at: Generated<Date>;
}

export type WatchlistEntry = Selectable<WatchlistTable>;
export type PartialDB = { [tableName]: WatchlistTable };
