import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { closeEngines, detectDeps } from '../../src/app/detection.ts';
import { migrateToLatest, openPglite } from '../../src/db/connection.ts';
import type { Db } from '../../src/db/connection.ts';
import type { DetectDeps } from '../../src/detect/deps.ts';
import { detectWindow } from '../../src/detect/detect-window.ts';
import { runScan } from '../../src/detect/scan.ts';
import { buildShadowReport, parseShadowCandidate, ShadowConfigError } from '../../src/detect/shadow.ts';
import type { ShadowCandidate } from '../../src/detect/shadow.ts';
import { readRecordBatches } from '../../src/ingest/index.ts';
import { produceIngest, waitForBatch } from '../../src/queue/ingest-producer.ts';
import { InlineQueue } from '../../src/queue/job-queue.ts';
import { createIngestProcessor } from '../../src/queue/processors/ingest.ts';
import { DATA, runCli } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';

/**
 * Shadow mode (issue 9 item 7): a candidate detector config analysed beside the live run on the
 * same windows and scans, through the same engine, writing no alerts; and the report comparing
 * the two on reviewed alerts. On the embedded default (PGlite, engine in-process) and on the
 * real Postgres (engine on its worker thread).
 */

const log = pino({ level: 'silent' });
const DEBATE = path.join(DATA, 'debate-d1/posts.ndjson.gz');
const ALL = { start: new Date('2016-09-27T00:00:00Z'), end: new Date('2016-09-28T00:00:00Z') };

async function ingest(db: Db): Promise<void> {
  const queue = new InlineQueue(createIngestProcessor({ db, log }), { attempts: 2, backoffMs: 50 }, 2, log);
  try {
    const produced = await produceIngest({ db, queue, records: readRecordBatches(DEBATE, {}), source: 'test', format: null, fileName: DEBATE, chunkSize: 5000, maxQueued: 8 });
    await queue.drain();
    const b = await waitForBatch(db, produced.batchId, { checkMs: 50, timeoutMs: 300_000 });
    expect(b.status, b.error ?? '').toBe('completed');
  } finally {
    await queue.close();
  }
}

/** A candidate that passes validation but makes the engine throw (an edge kind no registry knows). */
function throwing(c: ShadowCandidate): ShadowCandidate {
  return { ...c, params: { ...c.params, edges: { ...c.params.edges, kinds: ['no_such_kind' as never] } } };
}

const backends: { name: string; open(): Promise<{ db: Db; env: Record<string, string>; drop(): Promise<void> }> }[] = [
  {
    name: 'embedded PGlite, engine in-process',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-shadow-'));
      const db = await openPglite(dir);
      await migrateToLatest(db.kysely);
      return { db, env: { DATA_DIR: dir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'Postgres, engine on a worker thread',
    async open() {
      const t: TestDatabase = await createTestDatabase();
      return { db: await t.open(), env: { DATABASE_URL: t.url }, drop: t.drop };
    },
  },
];

describe.each(backends)('shadow mode on $name', (backend) => {
  let db: Db;
  let deps: DetectDeps;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const o = await backend.open();
    db = o.db;
    drop = o.drop;
    await ingest(db);
    deps = detectDeps(loadConfig({ ...o.env, LOG_LEVEL: 'silent' }), db, log);
    expect(deps.shadow).toBeNull();
    if (db.kind === 'postgres') expect(deps.engine.mode).toBe('thread');
  }, 600_000);
  afterAll(async () => {
    await closeEngines();
    await db?.close();
    await drop?.();
  });

  const shadowRuns = (scanRunId: number) => db.kysely.selectFrom('shadow_runs').selectAll().where('scan_run_id', '=', scanRunId).execute();
  const shadowClusters = (scanRunId: number) =>
    db.kysely
      .selectFrom('shadow_clusters')
      .innerJoin('shadow_runs', 'shadow_runs.id', 'shadow_clusters.shadow_run_id')
      .select(['shadow_clusters.fingerprint', 'shadow_clusters.score', 'shadow_clusters.size', 'shadow_clusters.flagged', 'shadow_clusters.members'])
      .where('shadow_runs.scan_run_id', '=', scanRunId)
      .orderBy('shadow_clusters.fingerprint')
      .execute();
  // clusters keeps one row per window and fingerprint (the first scan's): the live clusters of the window
  const liveClusters = () =>
    db.kysely.selectFrom('clusters').select(['fingerprint', 'score', 'members']).where('window_start', '=', ALL.start).where('window_end', '=', ALL.end).orderBy('fingerprint').execute();

  it('an unchanged candidate with a stricter alert minimum finds the live scan’s clusters exactly and flags fewer; no alert is written for it', async () => {
    const cand = parseShadowCandidate('{"alerts":{"minScore":75}}');
    const scan = await runScan({ ...deps, shadow: cand }, 'manual', ALL, null);
    expect(scan.status).toBe('completed');
    const [run] = await shadowRuns(scan.scanRunId);
    expect(run).toMatchObject({ status: 'completed', kind: 'manual', candidate_hash: cand.hash, error: null });
    expect(run!.window_start).toEqual(ALL.start);
    const live = await liveClusters();
    const shadow = await shadowClusters(scan.scanRunId);
    expect(live.length).toBeGreaterThan(0);
    // the same operation over the same posts with the same detection parameters: the same clusters
    expect(shadow.map((c) => [c.fingerprint, c.score, [...c.members].sort()])).toEqual(live.map((c) => [c.fingerprint, c.score, [...c.members].sort()]));
    const liveFlagged = live.filter((c) => c.score >= deps.config.alerts.minScore).length;
    const candFlagged = shadow.filter((c) => c.flagged).length;
    expect(candFlagged).toBe(live.filter((c) => c.score >= 75).length);
    expect(candFlagged).toBeLessThan(liveFlagged);
    expect(run!.flagged).toBe(candFlagged);
    expect(run!.clusters).toBe(shadow.length);
    // the alerts are the live scan's alone: the candidate flags fewer, yet every live-flagged cluster has its alert
    const alerts = await db.kysely.selectFrom('clusters').select('alert_id').where('window_start', '=', ALL.start).where('score', '>=', deps.config.alerts.minScore).execute();
    expect(alerts.every((a) => a.alert_id !== null)).toBe(true);
    const config = await db.kysely.selectFrom('shadow_configs').select('config').where('hash', '=', cand.hash).executeTakeFirstOrThrow();
    expect(config.config).toEqual({ detection: {}, alerts: { minScore: 75 } });
  }, 300_000);

  it('a candidate with other detection parameters runs them: clusters of four or more only', async () => {
    const cand = parseShadowCandidate('{"cluster":{"minSize":4,"pairs":{"enabled":false}}}');
    expect(cand.params.cluster.minSize).toBe(4);
    const scan = await runScan({ ...deps, shadow: cand }, 'manual', ALL, null);
    const live = await liveClusters();
    const shadow = await shadowClusters(scan.scanRunId);
    expect(live.some((c) => c.members.length < 4)).toBe(true);
    expect(shadow.length).toBeGreaterThan(0);
    expect(shadow.every((c) => c.size >= 4)).toBe(true);
    expect(shadow.length).toBeLessThan(live.length);
  }, 300_000);

  it('a throwing candidate fails its shadow run only: the live scan and window complete', async () => {
    const bad = throwing(parseShadowCandidate('{"alerts":{"minScore":60}}'));
    const scan = await runScan({ ...deps, shadow: bad }, 'manual', ALL, null);
    expect(scan.status).toBe('completed');
    const w = { start: new Date('2016-09-27T01:20:00Z'), end: new Date('2016-09-27T01:30:00Z') };
    const win = await detectWindow({ ...deps, shadow: bad }, w, null);
    expect(win.posts).toBeGreaterThan(0);
    for (const id of [scan.scanRunId, win.scanRunId]) {
      const sr = await db.kysely.selectFrom('scan_runs').select(['status']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(sr.status).toBe('completed');
    }
    const [s1] = await shadowRuns(scan.scanRunId);
    expect(s1).toMatchObject({ status: 'failed', clusters: 0 });
    expect(s1!.error).toMatch(/no_such_kind|not iterable/);
    // the window ran its cluster step (its edges were new), so the shadow ran beside it, and failed
    if (win.cluster.applied) {
      const [s2] = await shadowRuns(win.scanRunId);
      expect(s2).toMatchObject({ status: 'failed', kind: 'window' });
      expect(s2!.window_end).toEqual(w.end);
      expect(s2!.window_start).toEqual(new Date(w.end.getTime() - deps.config.detect.horizonMinutes * 60_000));
    }
  }, 300_000);
});

describe('shadow candidates from SHADOW_DETECTION', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-shadow-cfg-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  it('is validated against the detection parameters, and the same config hashes the same', async () => {
    expect(parseShadowCandidate('{"edges":{"window":120},"cluster":{"minSize":4}}').hash).toBe(parseShadowCandidate('{"cluster":{"minSize":4},"edges":{"window":120}}').hash);
    expect(parseShadowCandidate('{"edges":{"window":120}}').params.edges.window).toBe(120);
    expect(parseShadowCandidate('{"detection":{"edges":{"window":120}}}').hash).toBe(parseShadowCandidate('{"edges":{"window":120}}').hash);
    expect(() => parseShadowCandidate('{"edges":{"windw":120}}')).toThrow(/edges\.windw: no such detection parameter/);
    expect(() => parseShadowCandidate('{"edges":{"window":"60"}}')).toThrow(/edges\.window: expected a number/);
    expect(() => parseShadowCandidate('{"alerts":{"minScore":300}}')).toThrow(/alerts\.minScore/);
    expect(() => parseShadowCandidate('[1]')).toThrow(ShadowConfigError);
    // detectDeps reads the file when the deps are built (start-up); the database is not touched
    const none = { kind: 'pglite' } as unknown as Db;
    const ok = detectDeps(loadConfig({ DATA_DIR: dir, SHADOW_DETECTION: file('c.json', '{"alerts":{"minScore":70}}') }), none, log);
    expect(ok.shadow?.minScore).toBe(70);
    expect(() => detectDeps(loadConfig({ DATA_DIR: dir, SHADOW_DETECTION: file('bad.json', '{"cluster":{"size":4}}') }), none, log)).toThrow(/invalid SHADOW_DETECTION: .*bad\.json: cluster\.size: no such detection parameter/);
    expect(() => detectDeps(loadConfig({ DATA_DIR: dir, SHADOW_DETECTION: path.join(dir, 'missing.json') }), none, log)).toThrow(/invalid SHADOW_DETECTION: cannot read .*missing\.json: ENOENT/);
  });
});

describe('shadow report on a seeded set of reviewed alerts (Postgres)', () => {
  let t: TestDatabase;
  let db: Db;
  const W = { start: new Date('2016-09-27T01:00:00Z'), end: new Date('2016-09-27T02:00:00Z') };
  const W2 = { start: new Date('2016-09-28T01:00:00Z'), end: new Date('2016-09-28T02:00:00Z') };
  const inW = new Date('2016-09-27T01:30:00Z');
  const HASH = '00112233445566aa';
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    db = await t.open();
    const k = db.kysely;
    const alert = async (status: string, members: string[], decisions: Record<string, 'coordinated' | 'bystander'> = {}, seen = inW) => {
      const a = await k
        .insertInto('alerts')
        .values({ fingerprint: members.join(','), status: status as never, score: 50, severity: 'medium', score_parts: '[]', verdict: 'seeded', member_count: members.length, first_seen_at: seen, last_seen_at: seen, detector_version: 'test' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await k
        .insertInto('alert_members')
        .values(members.map((m) => ({ alert_id: a.id, account_key: m, platform: 'x', account_id: m.slice(2), role: 'core' as const, cohesion: 0.5, shared: 1, degree: 1, suspicion: null, signals: null })))
        .execute();
      for (const [m, d] of Object.entries(decisions)) await k.insertInto('alert_member_decisions').values({ alert_id: a.id, account_key: m, decision: d, note: null, actor: 'ana' }).execute();
      return a.id;
    };
    const live = (members: string[], score: number, severity: string) =>
      k
        .insertInto('clusters')
        .values({ fingerprint: `L:${members.join(',')}`, window_start: W.start, window_end: W.end, scan_run_id: null, members, size: members.length, score, severity, score_parts: '[]', verdict: '', null_model: null, alert_id: null, outcome: 'unchanged', detector_version: 'test' })
        .execute();
    const x = (s: string) => s.split(' ').map((a) => `x:${a}`);
    ids.a1 = await alert('confirmed', x('a1 a2 a3 a4'), { 'x:a1': 'coordinated', 'x:a4': 'coordinated' });
    ids.a2 = await alert('confirmed', x('b1 b2 b3'));
    ids.a3 = await alert('dismissed', x('c1 c2 c3 c4'), { 'x:c2': 'bystander' });
    ids.a4 = await alert('dismissed', x('d1 d2 d3'));
    ids.a5 = await alert('confirmed', x('e1 e2 e3'), {}, new Date('2016-09-28T01:30:00Z'));
    ids.a6 = await alert('open', x('f1 f2 f3'));
    await live(x('a1 a2 a3 a4'), 70, 'high');
    await live(x('b1 b2 b3'), 55, 'medium');
    await live(x('c1 c2 c3 c4'), 52, 'medium');
    await live(x('d1 d2 d3'), 40, 'low');
    await live(x('z1 z2 z3'), 90, 'critical'); // another window: not compared
    await k.updateTable('clusters').set({ window_start: W2.start, window_end: W2.end }).where('fingerprint', '=', 'L:x:z1,x:z2,x:z3').execute();

    await k.insertInto('shadow_configs').values({ hash: HASH, config: JSON.stringify({ detection: { cluster: { minSize: 3 } }, alerts: { minScore: 60 } }) }).execute();
    const run = async (kind: string, w: typeof W, status: 'completed' | 'failed', clusters: [string[], number, string][]) => {
      const r = await k
        .insertInto('shadow_runs')
        .values({ candidate_hash: HASH, scan_run_id: null, kind, window_start: w.start, window_end: w.end, status, error: status === 'failed' ? 'boom' : null })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const [members, score, severity] of clusters) {
        await k
          .insertInto('shadow_clusters')
          .values({ shadow_run_id: r.id, candidate_hash: HASH, window_start: w.start, window_end: w.end, fingerprint: `C:${members.join(',')}`, members, size: members.length, score, severity, flagged: score >= 60, kinds: [], score_parts: '[]' })
          .execute();
      }
    };
    await run('manual', W, 'completed', [
      [x('a1 a2 a3'), 65, 'high'],
      [x('b1 b2 b3'), 55, 'medium'],
      [x('c1 c2 c3 c4'), 45, 'medium'],
      [x('d1 d2 d3 d9'), 62, 'high'],
      [x('f1 f2 f3'), 80, 'critical'],
      [x('g1 g2 g3'), 66, 'high'],
      [x('g1 g2 g4'), 61, 'high'],
      [x('h1 h2 h3'), 30, 'low'],
    ]);
    await run('rolling', W, 'failed', []);
    // a streaming window's shadow, left out of the default (scans) report
    await run('window', W2, 'completed', [[x('e1 e2 e3'), 90, 'critical']]);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await t?.drop();
  });

  const expected = () => ({
    windows: 1,
    reviewed: 4,
    outside: 1,
    live: { confirmedAlerted: 2, confirmedMissed: 0, dismissedAlerted: 1, dismissedQuiet: 1, agreement: 0.75, precision: 2 / 3, recall: 1, coordinatedKept: 2, coordinatedDecided: 2, bystandersKept: 1, bystandersDecided: 1 },
    candidate: { confirmedAlerted: 1, confirmedMissed: 1, dismissedAlerted: 1, dismissedQuiet: 1, agreement: 0.5, precision: 0.5, recall: 0.5, coordinatedKept: 1, coordinatedDecided: 2, bystandersKept: 0, bystandersDecided: 1 },
    alerts: [
      { alertId: ids.a1, verdict: 'confirmed', members: 4, live: { score: 70, severity: 'high', flagged: true }, candidate: { score: 65, severity: 'high', flagged: true } },
      { alertId: ids.a2, verdict: 'confirmed', members: 3, live: { score: 55, severity: 'medium', flagged: true }, candidate: { score: 55, severity: 'medium', flagged: false } },
      { alertId: ids.a3, verdict: 'dismissed', members: 4, live: { score: 52, severity: 'medium', flagged: true }, candidate: { score: 45, severity: 'medium', flagged: false } },
      { alertId: ids.a4, verdict: 'dismissed', members: 3, live: { score: 40, severity: 'low', flagged: false }, candidate: { score: 62, severity: 'high', flagged: true } },
    ],
    newNetworks: [{ members: ['x:g1', 'x:g2', 'x:g3', 'x:g4'], score: 66, severity: 'high', windows: 1 }],
  });

  it('counts exactly: flagged per reviewed alert and severity, precision/recall, adds, drops, new networks', async () => {
    const res = await buildShadowReport(db.kysely, { overlap: 0.5, liveMinScore: 50 });
    if (!res.candidate) throw new Error('no candidate');
    expect(res.candidate.hash).toBe(HASH);
    expect(res.runs).toEqual({ kinds: 'scans', completed: 1, failed: 1 });
    const r = res.report;
    expect(r).toMatchObject(expected());
    expect(r.adds.map((a) => a.alertId)).toEqual([ids.a4]);
    // a confirmed network lost and a dismissed one no longer raised: both are drops
    expect(r.drops.map((a) => a.alertId)).toEqual([ids.a2, ids.a3]);
    expect(r.comparison.changed.map((c) => [c.alertId, c.liveAlerts, c.candidateAlerts])).toEqual([
      [ids.a2, true, false],
      [ids.a3, true, false],
      [ids.a4, false, true],
    ]);
    // windows included: the alert outside the scans' window is compared too, and the candidate flags it
    const all = await buildShadowReport(db.kysely, { overlap: 0.5, liveMinScore: 50, runs: 'all' });
    if (!all.candidate) throw new Error('no candidate');
    expect(all.report).toMatchObject({ windows: 2, reviewed: 5, outside: 0 });
    expect(all.report.candidate).toMatchObject({ confirmedAlerted: 2, confirmedMissed: 1 });
    // --since after the scans' window leaves nothing to compare
    const later = await buildShadowReport(db.kysely, { overlap: 0.5, liveMinScore: 50, since: new Date('2016-09-27T03:00:00Z') });
    if (!later.candidate) throw new Error('no candidate');
    expect(later.report).toMatchObject({ windows: 0, reviewed: 0, outside: 5 });
  });

  it('coordwatch shadow report prints the same numbers as a table and as JSON', async () => {
    const json = await runCli(['shadow', 'report', '--json'], { DATABASE_URL: t.url });
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.report).toMatchObject(expected());
    const text = await runCli(['shadow', 'report'], { DATABASE_URL: t.url });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`candidate ${HASH}`);
    expect(text.stdout).toContain('shadow runs (scans): 1 completed, 1 failed, over 1 windows');
    expect(text.stdout).toContain('reviewed alerts compared: 4 (1 more outside the shadowed windows, left out)');
    expect(text.stdout).toMatch(/live\s+2\/2\s+1\/2\s+0\.667\s+1\.000\s+0\.750\s+2\/2\s+1\/1/);
    expect(text.stdout).toMatch(/candidate\s+1\/2\s+1\/2\s+0\.500\s+0\.500\s+0\.500\s+1\/2\s+0\/1/);
    expect(text.stdout).toMatch(new RegExp(`${ids.a2}\\s+confirmed\\s+3\\s+55\\.0 medium\\s+55\\.0 medium \\(below min\\)\\s+drops`));
    expect(text.stdout).toContain('the candidate adds 1 and drops 2 reviewed alerts; it would open 1 new network');
    const bad = await runCli(['shadow', 'report', '--runs', 'some'], { DATABASE_URL: t.url });
    expect(bad.code).toBe(2);
  }, 300_000);
});
