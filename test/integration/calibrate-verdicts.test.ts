import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitCalibration, probabilityOf } from '../../src/core/calibration/index.ts';
import type { Db } from '../../src/db/connection.ts';
import { verdictRepository } from '../../src/db/verdict-repository.ts';
import { severityMoves } from '../../src/cli/commands/calibrate.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

/** Analysts' verdicts read back as calibration labels, on real Postgres. */
describe('verdicts as labels', () => {
  let tdb: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await tdb.open();
    const alerts: [string, number, string][] = [
      ['confirmed', 85, 'critical'],
      ['confirmed', 72, 'high'],
      ['confirmed', 64, 'high'],
      ['dismissed', 58, 'medium'],
      ['dismissed', 45, 'medium'],
      ['dismissed', 41, 'medium'],
      ['open', 90, 'critical'],
      ['open', 50, 'medium'],
      ['in_review', 43, 'medium'],
    ];
    for (const [i, [status, score, severity]] of alerts.entries()) {
      const row = await db.kysely
        .insertInto('alerts')
        .values({ fingerprint: `fp-${i}`, status: status as 'open', score, severity, score_parts: '[]', verdict: 'v', member_count: 3, first_seen_at: new Date(0), last_seen_at: new Date(0), detector_version: 'test' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.kysely
        .insertInto('alert_members')
        .values(['a', 'b', 'c'].map((m) => ({ alert_id: row.id, account_key: `x:${m}${i}`, platform: 'x', account_id: `${m}${i}`, role: 'core' as const, cohesion: 0.5, shared: 2, degree: 2, suspicion: null })))
        .execute();
      if (i === 0) await db.kysely.insertInto('alert_member_decisions').values({ alert_id: row.id, account_key: 'x:c0', decision: 'bystander', note: null, actor: 'ana' }).execute();
    }
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('reads reviewed alerts with members and decisions, and the open ones', async () => {
    const repo = verdictRepository(db.kysely);
    const reviewed = await repo.reviewed();
    expect(reviewed.map((r) => [r.status, r.score])).toEqual([
      ['confirmed', 85],
      ['confirmed', 72],
      ['confirmed', 64],
      ['dismissed', 58],
      ['dismissed', 45],
      ['dismissed', 41],
    ]);
    expect(reviewed[0].members).toEqual(['x:a0', 'x:b0', 'x:c0']);
    expect(reviewed[0].decisions).toEqual({ 'x:c0': 'bystander' });
    const open = await repo.open();
    expect(open.map((o) => o.score)).toEqual([90, 50, 43]);

    const cal = fitCalibration(reviewed.map((r) => ({ score: r.score, y: r.status === 'confirmed' ? 1 : 0 })));
    expect(probabilityOf(cal, 90)).toBeGreaterThan(probabilityOf(cal, 43));
    // three confirmed alerts cannot make a 90 certain: (3 + ½ prior) / 4 = 0.875 is high, not
    // critical; dismissed alerts scored 41–58 put the open 43 and 50 below medium
    const moves = severityMoves(open, cal, null);
    expect(moves.map((m) => [m.alertId, m.severityNow, m.severityAfter])).toEqual([
      [open[0].alertId, 'critical', 'high'],
      [open[1].alertId, 'medium', 'low'],
      [open[2].alertId, 'medium', 'low'],
    ]);
  });
});
