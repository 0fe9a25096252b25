import type { Generated, Selectable } from 'kysely';

export const tableName = 'alert_members';

import type { MemberRole } from '../../core/alerts/rows.ts';
export type { MemberRole };

export interface AlertMembersTable {
  alert_id: number;
  account_key: string;
  platform: string;
  account_id: string;
  role: MemberRole;
  cohesion: number;
  shared: number;
  degree: number;
  suspicion: number | null;
  watchlisted: Generated<boolean>;
  signals: unknown | null;
  added_at: Generated<Date>;
}

export type AlertMember = Selectable<AlertMembersTable>;
export type PartialDB = { [tableName]: AlertMembersTable };
