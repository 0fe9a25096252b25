import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertRepository } from '../../src/db/alert-repository.ts';
import { alertService } from '../../src/alerts/alert-service.ts';
import type { ApplyInput } from '../../src/core/alerts/apply.ts';
import { migrateToLatest, openPglite } from '../../src/db/connection.ts';
import type { Db } from '../../src/db/connection.ts';
import type { IdentityPolicy } from '../../src/core/alerts/identity.ts';
import type { ScoredCluster } from '../../src/core/score/types.ts';
import { accts, scored } from '../helpers/clusters.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

const POLICY: IdentityPolicy = { overlap: 0.5, minScore: 50, reopenGrowth: 0.5, reopenMinNew: 3 };
const W = { start: new Date('2016-09-27T01:00:00Z'), end: new Date('2016-09-27T01:10:00Z') };
const input = (clusters: ScoredCluster[], window = W): ApplyInput => ({
  clusters,
  accountSignals: new Map(),
  window,
  scanRunId: null,
  detectorVersion: 'test-1',
});

const backends: [string, () => Promise<{ db: Db; done: () => Promise<void> }>][] = [
  [
    'Postgres',
    async () => {
      const tdb: TestDatabase = await createTestDatabase();
      const db = await tdb.open();
      return { db, done: async () => (await db.close(), await tdb.drop()) };
    },
  ],
  [
    'PGlite',
    async () => {
      const db = await openPglite('memory://');
      await migrateToLatest(db.kysely);
      return { db, done: () => db.close() };
    },
  ],
];

describe.each(backends)('alert identity and lifecycle on %s', (_name, open) => {
  let db: Db;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ db, done } = await open());
  });
  afterAll(() => done());
  beforeEach(async () => {
    // one scenario per test; the audit log refuses deletes, so its trigger is set aside here
    await sql`alter table alert_events disable trigger alert_events_no_change`.execute(db.kysely);
    await sql`truncate alerts, alert_members, alert_evidence, alert_events, clusters, suppressions, watchlist restart identity cascade`.execute(db.kysely);
    await sql`alter table alert_events enable trigger alert_events_no_change`.execute(db.kysely);
  });

  // the write path (alert service) and the reads (repository) over one database
  const repo = () => ({ ...alertRepository(db.kysely), ...alertService(db.kysely) });
  const count = async (table: string) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db.kysely)).rows[0]!.n);

  it('opens one alert per network with members, evidence and an opened event; weak clusters open nothing', async () => {
    const net = accts('n', 6);
    const r = await repo().applyClusters(input([scored(net, 72, { urls: ['https://ex.com/a'] }), scored(accts('w', 4), 30)]), POLICY);
    expect(r.opened).toHaveLength(1);
    expect(r.belowThreshold).toBe(1);
    const d = (await repo().get(r.opened[0]!))!;
    expect(d.alert).toMatchObject({ status: 'open', severity: 'high', member_count: 6, score: 72, detector_version: 'test-1' });
    expect(d.members.map((m) => m.account_key).sort()).toEqual(net);
    expect(d.members.find((m) => m.account_key === 'x:n0')).toMatchObject({ platform: 'x', account_id: 'n0', role: 'hub' });
    expect(d.evidence.map((e) => e.kind).sort()).toEqual(['link', 'text', 'text']);
    expect(d.evidence.find((e) => e.kind === 'link')!.description).toBe('6 members shared https://ex.com/a');
    expect(d.events.map((e) => [e.actor, e.action, e.to_value])).toEqual([['system', 'opened', 'open']]);
    expect(d.alert.first_seen_at.toISOString()).toBe('2016-09-27T18:13:20.000Z');
    expect(await count('clusters')).toBe(2);
  });

  it('re-running the same scan changes nothing: no new alert, member, evidence, event or cluster row', async () => {
    const clusters = [scored(accts('n', 6), 72), scored(accts('m', 5), 55)];
    const first = await repo().applyClusters(input(clusters), POLICY);
    expect(first.opened).toHaveLength(2);
    const snapshot = await sql`select id, score, member_count, updated_at from alerts order by id`.execute(db.kysely);
    const counts = await Promise.all(['alerts', 'alert_members', 'alert_evidence', 'alert_events', 'clusters'].map(count));
    const again = await repo().applyClusters(input(clusters), POLICY);
    expect(again).toMatchObject({ opened: [], updated: [], unchanged: 2, notices: [] });
    expect(await Promise.all(['alerts', 'alert_members', 'alert_evidence', 'alert_events', 'clusters'].map(count))).toEqual(counts);
    expect((await sql`select id, score, member_count, updated_at from alerts order by id`.execute(db.kysely)).rows).toEqual(snapshot.rows);
  });

  it('a later cluster that mostly overlaps an open alert updates it (updated event), a disjoint one opens another', async () => {
    const [a] = (await repo().applyClusters(input([scored(accts('n', 6), 62)]), POLICY)).opened;
    const later = { start: new Date('2016-09-27T01:10:00Z'), end: new Date('2016-09-27T01:20:00Z') };
    // 5 of the 6 again plus 3 new: overlap 5/6 with the alert
    const grown = scored([...accts('n', 5), ...accts('new', 3)], 85, { t0: 1_475_000_600 });
    const r = await repo().applyClusters(input([grown, scored(accts('other', 4), 70)], later), POLICY);
    expect(r.updated).toEqual([a]);
    expect(r.opened).toHaveLength(1);
    expect(r.notices.map((n) => [n.alertId, n.event, n.severity])).toContainEqual([a, 'escalated', 'critical']);
    const d = (await repo().get(a!))!;
    expect(d.alert).toMatchObject({ member_count: 9, score: 85, severity: 'critical' });
    expect(d.alert.last_seen_at.toISOString()).toBe(new Date((1_475_000_600 + 60) * 1000).toISOString());
    const upd = d.events.find((e) => e.action === 'updated')!;
    expect(upd).toMatchObject({ actor: 'system', from_value: 'high', to_value: 'critical' });
    expect(upd.data).toMatchObject({ added: 3, addedMembers: ['x:new0', 'x:new1', 'x:new2'], score: { from: 62, to: 85 } });
    expect(d.clusters.map((c) => c.outcome)).toEqual(['opened', 'updated']);
    expect(await count('alerts')).toBe(2);
  });

  it('two overlapping clusters of one run end in one alert', async () => {
    const r = await repo().applyClusters(input([scored(accts('n', 6), 70), scored([...accts('n', 4, 2), 'x:z1'], 60)]), POLICY);
    expect(r.opened).toHaveLength(1);
    expect(r.updated).toEqual(r.opened);
    expect((await repo().get(r.opened[0]!))!.alert.member_count).toBe(7);
  });

  it('a dismissed network stays quiet until it grows materially, then its alert reopens', async () => {
    const net = accts('n', 6);
    const [id] = (await repo().applyClusters(input([scored(net, 70)]), POLICY)).opened;
    await repo().setStatus(id!, 'dismissed', 'ana', 'fan club, not a campaign');
    const again = await repo().applyClusters(input([scored(net, 75, { t0: 1_475_001_000 })]), POLICY);
    expect(again).toMatchObject({ opened: [], updated: [], suppressed: 1 });
    // two new members: below the growth needed (max(3, 50% of 6) = 3)
    const little = await repo().applyClusters(input([scored([...net, ...accts('q', 2)], 75, { t0: 1_475_002_000 })]), POLICY);
    expect(little).toMatchObject({ opened: [], suppressed: 1 });
    expect((await repo().get(id!))!.alert.status).toBe('dismissed');
    const grown = await repo().applyClusters(input([scored([...net, ...accts('q', 4)], 78, { t0: 1_475_003_000 })]), POLICY);
    expect(grown).toMatchObject({ opened: [], reopened: [id] });
    const d = (await repo().get(id!))!;
    expect(d.alert).toMatchObject({ status: 'open', member_count: 10 });
    expect(d.events.map((e) => [e.action, e.from_value, e.to_value])).toEqual([
      ['opened', null, 'open'],
      ['status', 'open', 'dismissed'],
      ['reopened', 'dismissed', 'open'],
    ]);
    expect(d.events[1]).toMatchObject({ actor: 'ana', note: 'fan club, not a campaign' });
    const s = (await sql<{ hits: number; lifted: boolean }>`select hits, lifted_at is not null as lifted from suppressions`.execute(db.kysely)).rows;
    expect(s).toEqual([{ hits: 2, lifted: true }]);
  });

  it('confirming puts the members on the watchlist; review moves are checked; the audit log is append-only', async () => {
    const [id] = (await repo().applyClusters(input([scored(accts('n', 4), 70)]), POLICY)).opened;
    await repo().setStatus(id!, 'in_review', 'ana');
    await repo().assign(id!, 'ana', 'lead');
    await repo().setStatus(id!, 'confirmed', 'ana', 'same operator as case 12');
    expect([...(await repo().watchlist())].sort()).toEqual(accts('n', 4));
    await expect(repo().setStatus(id!, 'dismissed', 'bob')).rejects.toThrow(/alert \d+ is confirmed; it can move to in_review, not dismissed/);
    await expect(sql`update alert_events set actor = 'mallory'`.execute(db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`delete from alert_events`.execute(db.kysely)).rejects.toThrow(/append-only/);
    const ev = (await repo().get(id!))!.events.map((e) => `${e.actor}:${e.action}:${e.from_value ?? ''}>${e.to_value ?? ''}`);
    expect(ev).toEqual(['system:opened:>open', 'ana:status:open>in_review', 'lead:assigned:>ana', 'ana:status:in_review>confirmed']);
  });

  it('concurrent scans over the same clusters open each alert once', async () => {
    const clusters = [scored(accts('n', 6), 70), scored(accts('m', 5), 66)];
    const rs = await Promise.all([1, 2, 3].map(() => repo().applyClusters(input(clusters), POLICY)));
    expect(rs.flatMap((r) => r.opened)).toHaveLength(2);
    expect(await count('alerts')).toBe(2);
    expect(await count('alert_members')).toBe(11);
  });
});
