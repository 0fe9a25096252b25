import { sql } from 'kysely';
import type { Queue } from 'bullmq';
import type { ScanConfig } from '../../config/config.ts';
import type { Db } from '../db/connection.ts';
import type { Logger } from '../logger.ts';
import { SCHEDULER_DEEP, SCHEDULER_ROLLING } from './names.ts';

const SCHEDULER_LOCK = 0x636f_0200;

/**
 * The two job schedulers, with stable ids: every scan worker upserts them at start, so the
 * schedule follows the config; the upsert is idempotent and done under an advisory lock so
 * replicas with different configs do not interleave. A schedule of 0 removes it.
 */
export async function upsertSchedulers(queue: Queue, db: Db, scans: ScanConfig, log: Logger): Promise<{ rolling: number; deep: number }> {
  const opts = { attempts: scans.attempts, backoff: { type: 'exponential', delay: scans.backoffMs }, removeOnComplete: { count: 200 }, removeOnFail: false };
  const apply = async () => {
    if (scans.rollingEveryMinutes > 0) {
      await queue.upsertJobScheduler(SCHEDULER_ROLLING, { every: scans.rollingEveryMinutes * 60_000 }, { name: 'rolling', data: { kind: 'rolling' }, opts });
    } else await queue.removeJobScheduler(SCHEDULER_ROLLING);
    if (scans.deepEveryHours > 0) {
      await queue.upsertJobScheduler(SCHEDULER_DEEP, { every: scans.deepEveryHours * 3_600_000 }, { name: 'deep', data: { kind: 'deep' }, opts });
    } else await queue.removeJobScheduler(SCHEDULER_DEEP);
  };
  if (db.kind === 'pglite') await apply();
  else
    await db.kysely.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${SCHEDULER_LOCK})`.execute(trx);
      await apply();
    });
  const r = { rolling: scans.rollingEveryMinutes, deep: scans.deepEveryHours };
  log.info({ rollingEveryMinutes: r.rolling, deepEveryHours: r.deep, rollingHours: scans.rollingHours, deepDays: scans.deepDays }, 'scan schedules set');
  return r;
}
