import type { Generated, Selectable } from 'kysely';

export const tableName = 'api_keys';

export const API_ROLES = ['viewer', 'analyst', 'lead', 'admin', 'ingest'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  role: ApiRole;
  /** hex SHA-256 of the key; the key itself is never stored */
  key_hash: string;
  key_prefix: string;
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export type ApiKey = Selectable<ApiKeysTable>;
export type PartialDB = { [tableName]: ApiKeysTable };
