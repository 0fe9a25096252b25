import type { Kysely } from 'kysely';
import type { Database } from './schema/index.ts';

/**
 * Shadow mode's tables: a candidate config once by hash, a row per shadow analysis, the
 * clusters it found; and the reads `coordwatch shadow report` compares on.
 */
export interface ShadowClusterInput {
  fingerprint: string;
  members: string[];
  score: number;
  severity: string;
  flagged: boolean;
  kinds: string[];
  scoreParts: unknown;
}

export interface ShadowRunInput {
  candidateHash: string;
  scanRunId: number | null;
  kind: string;
  window: { start: Date; end: Date };
  status: 'completed' | 'failed';
  posts: number;
  error: string | null;
  ms: number;
  clusters: ShadowClusterInput[];
}

export interface StoredCluster {
  fingerprint: string;
  members: string[];
  score: number;
  severity: string;
  windowStart: Date;
  windowEnd: Date;
}

export interface AlertSpan {
  alertId: number;
  status: string;
  members: string[];
  firstSeen: Date;
  lastSeen: Date;
}

const INSERT_BATCH = 500;

export function shadowRepository(db: Kysely<Database>) {
  return {
    async saveConfig(hash: string, config: unknown): Promise<void> {
      await db
        .insertInto('shadow_configs')
        .values({ hash, config: JSON.stringify(config) })
        .onConflict((oc) => oc.column('hash').doNothing())
        .execute();
    },

    /** One shadow run and its clusters, in one transaction. */
    async saveRun(r: ShadowRunInput): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('shadow_runs')
          .values({
            candidate_hash: r.candidateHash,
            scan_run_id: r.scanRunId,
            kind: r.kind,
            window_start: r.window.start,
            window_end: r.window.end,
            status: r.status,
            posts: r.posts,
            clusters: r.clusters.length,
            flagged: r.clusters.filter((c) => c.flagged).length,
            error: r.error,
            ms: r.ms,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        for (let i = 0; i < r.clusters.length; i += INSERT_BATCH) {
          await trx
            .insertInto('shadow_clusters')
            .values(
              r.clusters.slice(i, i + INSERT_BATCH).map((c) => ({
                shadow_run_id: row.id,
                candidate_hash: r.candidateHash,
                window_start: r.window.start,
                window_end: r.window.end,
                fingerprint: c.fingerprint,
                members: c.members,
                size: c.members.length,
                score: c.score,
                severity: c.severity,
                flagged: c.flagged,
                kinds: c.kinds,
                score_parts: JSON.stringify(c.scoreParts ?? []),
              })),
            )
            .execute();
        }
        return row.id;
      });
    },

    /** The candidate most recently run (the report's default). */
    async latestCandidate(): Promise<{ hash: string; config: unknown } | null> {
      const r = await db
        .selectFrom('shadow_runs')
        .innerJoin('shadow_configs', 'shadow_configs.hash', 'shadow_runs.candidate_hash')
        .select(['shadow_configs.hash', 'shadow_configs.config'])
        .orderBy('shadow_runs.id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? { hash: r.hash, config: r.config } : null;
    },

    async config(hash: string): Promise<unknown | null> {
      const r = await db.selectFrom('shadow_configs').select('config').where('hash', '=', hash).executeTakeFirst();
      return r ? r.config : null;
    },

    /** A candidate's runs of the given kinds whose window ends after `since` (all statuses). */
    async runs(hash: string, since: Date | null, kinds: readonly string[]) {
      let q = db.selectFrom('shadow_runs').selectAll().where('candidate_hash', '=', hash).where('kind', 'in', [...kinds]);
      if (since) q = q.where('window_end', '>', since);
      return q.orderBy('id').execute();
    },

    /** The candidate's clusters of the given runs. */
    async candidateClusters(runIds: readonly number[]): Promise<StoredCluster[]> {
      if (!runIds.length) return [];
      const rows = await db
        .selectFrom('shadow_clusters')
        .select(['fingerprint', 'members', 'score', 'severity', 'window_start', 'window_end'])
        .where('shadow_run_id', 'in', [...runIds])
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ fingerprint: r.fingerprint, members: r.members, score: r.score, severity: r.severity, windowStart: r.window_start, windowEnd: r.window_end }));
    },

    /** The live clusters stored under the given windows (clusters keeps one row per window and fingerprint). */
    async liveClusters(windows: readonly { start: Date; end: Date }[]): Promise<StoredCluster[]> {
      if (!windows.length) return [];
      const out: StoredCluster[] = [];
      const ends = [...new Set(windows.map((w) => w.end.getTime()))].map((t) => new Date(t));
      const wanted = new Set(windows.map((w) => `${w.start.getTime()}/${w.end.getTime()}`));
      for (let i = 0; i < ends.length; i += INSERT_BATCH) {
        const rows = await db
          .selectFrom('clusters')
          .select(['fingerprint', 'members', 'score', 'severity', 'window_start', 'window_end'])
          .where('window_end', 'in', ends.slice(i, i + INSERT_BATCH))
          .orderBy('id')
          .execute();
        for (const r of rows) {
          if (!wanted.has(`${r.window_start.getTime()}/${r.window_end.getTime()}`)) continue;
          out.push({ fingerprint: r.fingerprint, members: r.members, score: r.score, severity: r.severity, windowStart: r.window_start, windowEnd: r.window_end });
        }
      }
      return out;
    },

    /** Every alert's members and activity span (reviewed or not): what the candidate would add is measured against them. */
    async alertSpans(): Promise<AlertSpan[]> {
      const alerts = await db.selectFrom('alerts').select(['id', 'status', 'first_seen_at', 'last_seen_at']).orderBy('id').execute();
      if (!alerts.length) return [];
      const members = await db.selectFrom('alert_members').select(['alert_id', 'account_key']).orderBy('alert_id').orderBy('account_key').execute();
      const by = new Map<number, AlertSpan>(alerts.map((a) => [a.id, { alertId: a.id, status: a.status, members: [], firstSeen: a.first_seen_at, lastSeen: a.last_seen_at }]));
      for (const m of members) by.get(m.alert_id)?.members.push(m.account_key);
      return [...by.values()];
    },
  };
}
