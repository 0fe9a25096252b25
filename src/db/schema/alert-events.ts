import type { Generated, Selectable } from 'kysely';

export const tableName = 'alert_events';

export type AlertAction = 'opened' | 'updated' | 'status' | 'assigned' | 'reopened' | 'note' | 'member';

/** Append-only (a trigger refuses updates and deletes). */
export interface AlertEventsTable {
  id: Generated<number>;
  alert_id: number;
  at: Generated<Date>;
  actor: string;
  action: AlertAction;
  from_value: string | null;
  to_value: string | null;
  note: string | null;
  data: unknown | null;
}

export type AlertEvent = Selectable<AlertEventsTable>;
export type PartialDB = { [tableName]: AlertEventsTable };
