import type { Generated, Selectable } from 'kysely';

export const tableName = 'alert_member_decisions';

export const MEMBER_DECISIONS = ['coordinated', 'bystander', 'unsure'] as const;
export type MemberDecisionValue = (typeof MEMBER_DECISIONS)[number];

export interface AlertMemberDecisionsTable {
  alert_id: number;
  account_key: string;
  decision: MemberDecisionValue;
  note: string | null;
  actor: string;
  decided_at: Generated<Date>;
}

export type AlertMemberDecision = Selectable<AlertMemberDecisionsTable>;
export type PartialDB = { [tableName]: AlertMemberDecisionsTable };
