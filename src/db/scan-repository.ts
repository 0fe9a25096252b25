import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, ScanKind, ScanRun } from './schema/index.ts';
import type { Db } from './connection.ts';

/** The advisory-lock class of the cluster steps (key 0) and of the runs of one detection window (key: its minute). */
const STEP_LOCK = 0x636f_0002;
const WINDOW_LOCK = 0x636f_0003;
const localLocks = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` holding the session advisory lock (`cls`, `key`) on a connection of its own on
 * Postgres, so every worker process and replica queues here; a promise chain per key on
 * PGlite (one process). `fn` uses the pool as usual; only the lock's connection is held.
 */
async function withLock<T>(db: Db, cls: number, key: number, fn: () => Promise<T>): Promise<T> {
  if (db.kind === 'pglite') {
    const id = `${cls}:${key}`;
    const run = (localLocks.get(id) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => {});
    localLocks.set(id, tail);
    void tail.then(() => {
      if (localLocks.get(id) === tail) localLocks.delete(id);
    });
    return run;
  }
  return db.kysely.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${cls}::int, ${key}::int)`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${cls}::int, ${key}::int)`.execute(conn);
    }
  });
}

/** The cluster-step lock: the steps of detection windows settle one at a time, across processes. */
export function withStepLock<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  return withLock(db, STEP_LOCK, 0, fn);
}

/**
 * One detection window's lock: two runs of the same window (its job and a follow-up queued by
 * posts landing meanwhile, taken by two workers) run one after the other, never at once.
 */
export function withWindowLock<T>(db: Db, windowStart: Date, fn: () => Promise<T>): Promise<T> {
  return withLock(db, WINDOW_LOCK, Math.floor(windowStart.getTime() / 60_000) | 0, fn);
}

/** Scan runs: every detection over a window, by a job or by hand, with its outcome. */
export function scanRepository(db: Kysely<Database>) {
  return {
    async start(input: { kind: ScanKind; window: { start: Date; end: Date }; params: unknown; jobId: string | null; detectorVersion: string }): Promise<number> {
      // a run of the same job still "running" was cut short (its worker died): say so
      if (input.jobId) {
        await db
          .updateTable('scan_runs')
          .set({ status: 'failed', error: 'interrupted: the worker stopped mid-run; the job was retried', finished_at: sql`now()` })
          .where('job_id', '=', input.jobId)
          .where('status', '=', 'running')
          .execute();
      }
      const r = await db
        .insertInto('scan_runs')
        .values({
          kind: input.kind,
          window_start: input.window.start,
          window_end: input.window.end,
          params: JSON.stringify(input.params ?? {}),
          stats: null,
          error: null,
          job_id: input.jobId,
          detector_version: input.detectorVersion,
          finished_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    },

    async finish(id: number, status: 'completed' | 'failed' | 'skipped', stats: unknown, error: string | null = null): Promise<void> {
      await db
        .updateTable('scan_runs')
        .set({ status, stats: stats === null ? null : JSON.stringify(stats), error, finished_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    /** Adds keys to a finished run's stats (its settle step), leaving its status and times. */
    async addStats(id: number, extra: Record<string, unknown>): Promise<void> {
      await sql`update scan_runs set stats = coalesce(stats, '{}'::jsonb) || ${JSON.stringify(extra)}::jsonb where id = ${id}`.execute(db);
    },

    /** The latest other run of a detection window: its status and the fingerprint of the edges it stored. */
    async previousWindowRun(windowStart: Date, exceptId: number): Promise<{ status: string; edgesHash: string | null; stepped: boolean } | null> {
      const r = await sql<{ status: string; h: string | null; waited: boolean }>`
        select status, stats->>'edgesHash' as h, stats->>'waitingFor' is not null as waited from scan_runs
        where kind = 'window' and window_start = ${windowStart} and id <> ${exceptId}
        order by id desc limit 1`.execute(db);
      const row = r.rows[0];
      return row ? { status: row.status, edgesHash: row.h, stepped: !row.waited } : null;
    },

    /**
     * A detection window starting in [from, before) whose latest run is still running (or was
     * cut short and not yet retried): a cluster step over that horizon would miss its edges.
     * Runs started long ago are not waited for (their worker is gone for good).
     */
    async windowRunningBefore(from: Date, before: Date, exceptId: number): Promise<Date | null> {
      const r = await sql<{ s: Date }>`
        select r.window_start as s from scan_runs r
        where r.kind = 'window' and r.status = 'running' and r.id <> ${exceptId}
          and r.window_start >= ${from} and r.window_start < ${before}
          and r.started_at > now() - interval '15 minutes'
          and r.id = (select max(x.id) from scan_runs x where x.kind = 'window' and x.window_start = r.window_start)
        order by 1 limit 1`.execute(db);
      return r.rows[0] ? new Date(r.rows[0].s) : null;
    },

    /**
     * A detection window starting in [from, before) that completed after run `runId` started:
     * that run's cluster step may have been taken without its edges.
     */
    async windowCompletedSince(from: Date, before: Date, runId: number): Promise<boolean> {
      const r = await sql<{ n: number }>`
        select count(*)::int as n from scan_runs r
        where r.kind = 'window' and r.status = 'completed' and r.id <> ${runId}
          and r.window_start >= ${from} and r.window_start < ${before}
          and r.finished_at >= (select started_at from scan_runs where id = ${runId})`.execute(db);
      return (r.rows[0]?.n ?? 0) > 0;
    },

    /** Ends of the completed detection windows after `w` whose cluster horizon reaches back into it. */
    async laterWindowEnds(w: { start: Date }, until: Date): Promise<Date[]> {
      const r = await sql<{ end: Date }>`
        select distinct window_end as end from scan_runs
        where kind = 'window' and status = 'completed' and window_start > ${w.start} and window_end <= ${until}
        order by 1`.execute(db);
      return r.rows.map((x) => new Date(x.end));
    },

    async list(opts: { kind?: ScanKind; limit?: number } = {}): Promise<ScanRun[]> {
      let q = db.selectFrom('scan_runs').selectAll();
      if (opts.kind) q = q.where('kind', '=', opts.kind);
      return q.orderBy('id', 'desc').limit(opts.limit ?? 20).execute();
    },

    async get(id: number): Promise<ScanRun | undefined> {
      return db.selectFrom('scan_runs').selectAll().where('id', '=', id).executeTakeFirst();
    },
  };
}

export type ScanRepository = ReturnType<typeof scanRepository>;
