import type { Kysely } from 'kysely';
import type { Database } from './schema/index.ts';
import type { MemberDecisionValue } from './schema/alert-member-decisions.ts';

/**
 * Analysts' verdicts as labels, read-only: reviewed alerts (confirmed or dismissed) with
 * their score, members and per-member decisions, for `coordwatch calibrate` and shadow
 * comparisons; and the open alerts whose severity a new calibration would move.
 */
export interface ReviewedAlertRow {
  alertId: number;
  status: 'confirmed' | 'dismissed';
  score: number;
  severity: string;
  detectorVersion: string;
  /** account keys */
  members: string[];
  decisions: Record<string, MemberDecisionValue>;
}

export interface OpenAlertRow {
  alertId: number;
  status: string;
  score: number;
  severity: string;
  detectorVersion: string;
}

export function verdictRepository(db: Kysely<Database>) {
  return {
    async reviewed(): Promise<ReviewedAlertRow[]> {
      const alerts = await db
        .selectFrom('alerts')
        .select(['id', 'status', 'score', 'severity', 'detector_version'])
        .where('status', 'in', ['confirmed', 'dismissed'])
        .orderBy('id')
        .execute();
      if (!alerts.length) return [];
      const ids = alerts.map((a) => a.id);
      const members = await db.selectFrom('alert_members').select(['alert_id', 'account_key']).where('alert_id', 'in', ids).orderBy('alert_id').orderBy('account_key').execute();
      const decisions = await db.selectFrom('alert_member_decisions').select(['alert_id', 'account_key', 'decision']).where('alert_id', 'in', ids).execute();
      const byAlert = new Map<number, ReviewedAlertRow>();
      for (const a of alerts) {
        byAlert.set(a.id, { alertId: a.id, status: a.status as 'confirmed' | 'dismissed', score: a.score, severity: a.severity, detectorVersion: a.detector_version, members: [], decisions: {} });
      }
      for (const m of members) byAlert.get(m.alert_id)?.members.push(m.account_key);
      for (const d of decisions) {
        const row = byAlert.get(d.alert_id);
        if (row) row.decisions[d.account_key] = d.decision;
      }
      return [...byAlert.values()];
    },

    async open(): Promise<OpenAlertRow[]> {
      const rows = await db
        .selectFrom('alerts')
        .select(['id', 'status', 'score', 'severity', 'detector_version'])
        .where('status', 'in', ['open', 'in_review', 'escalated'])
        .orderBy('score', 'desc')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ alertId: r.id, status: r.status, score: r.score, severity: r.severity, detectorVersion: r.detector_version }));
    },
  };
}
