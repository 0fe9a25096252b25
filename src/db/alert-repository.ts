import type { Kysely } from 'kysely';
import type { Alert, AlertEvent, AlertEvidence, AlertMember, AlertStatus, ClusterRow, Database } from './schema/index.ts';

/**
 * Reading alerts, and the plain writes that need no rule (assignment, notes). The alert write
 * path (clusters → alerts) and review decisions are the alert service's: src/alerts/.
 */

export interface AlertDetail {
  alert: Alert;
  members: AlertMember[];
  evidence: AlertEvidence[];
  events: AlertEvent[];
  clusters: Pick<ClusterRow, 'id' | 'fingerprint' | 'window_start' | 'window_end' | 'size' | 'score' | 'outcome' | 'scan_run_id' | 'created_at'>[];
}

export function alertRepository(db: Kysely<Database>) {
  return {
    async list(opts: { status?: AlertStatus[]; minScore?: number; limit?: number; offset?: number } = {}): Promise<Alert[]> {
      let q = db.selectFrom('alerts').selectAll();
      if (opts.status?.length) q = q.where('status', 'in', opts.status);
      if (opts.minScore !== undefined) q = q.where('score', '>=', opts.minScore);
      return q
        .orderBy('score', 'desc')
        .orderBy('id')
        .limit(opts.limit ?? 50)
        .offset(opts.offset ?? 0)
        .execute();
    },

    async get(id: number): Promise<AlertDetail | null> {
      const alert = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
      if (!alert) return null;
      const [members, evidence, events, clusters] = await Promise.all([
        db.selectFrom('alert_members').selectAll().where('alert_id', '=', id).orderBy('role').orderBy('cohesion', 'desc').orderBy('account_key').execute(),
        db.selectFrom('alert_evidence').selectAll().where('alert_id', '=', id).orderBy('kind').orderBy('id').execute(),
        db.selectFrom('alert_events').selectAll().where('alert_id', '=', id).orderBy('id').execute(),
        db
          .selectFrom('clusters')
          .select(['id', 'fingerprint', 'window_start', 'window_end', 'size', 'score', 'outcome', 'scan_run_id', 'created_at'])
          .where('alert_id', '=', id)
          .orderBy('id')
          .execute(),
      ]);
      return { alert, members, evidence, events, clusters };
    },

    /** Confirmed accounts, as account keys, for scoring. */
    async watchlist(): Promise<Set<string>> {
      const rows = await db.selectFrom('watchlist').select('account_key').execute();
      return new Set(rows.map((r) => r.account_key));
    },
  };
}

export type AlertRepository = ReturnType<typeof alertRepository>;

