import type { Generated, Selectable } from 'kysely';

export const tableName = 'alerts';

export const ALERT_STATUSES = ['open', 'in_review', 'confirmed', 'dismissed', 'escalated'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertsTable {
  id: Generated<number>;
  fingerprint: string;
  status: Generated<AlertStatus>;
  score: number;
  severity: string;
  score_parts: unknown;
  verdict: string;
  narratives: Generated<unknown>;
  kinds: Generated<string[]>;
  member_count: number;
  first_seen_at: Date;
  last_seen_at: Date;
  detector_version: string;
  assignee: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type Alert = Selectable<AlertsTable>;
export type PartialDB = { [tableName]: AlertsTable };
