import type { Generated, Selectable } from 'kysely';

export const tableName = 'console_sessions';

export interface ConsoleSessionsTable {
  id: Generated<number>;
  /** hex SHA-256 of the session id in the cookie; the id itself is never stored */
  token_hash: string;
  key_id: number;
  created_at: Generated<Date>;
  expires_at: Date;
  /** set at logout */
  revoked_at: Date | null;
}

export type ConsoleSession = Selectable<ConsoleSessionsTable>;
export type PartialDB = { [tableName]: ConsoleSessionsTable };
