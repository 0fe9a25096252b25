/**
 * Past one machine, in one test: two workers of every role (ingest, detect, scan, notify)
 * against one Postgres and one Redis end with the same posts, the same alerts and the same
 * webhook deliveries as one worker of each; no window is analysed by two workers at once,
 * no post is written twice, no alert is announced twice.
 */
import http from 'node:http';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { closeEngines, detectDeps } from '../../src/app/detection.ts';
import { detectWindow } from '../../src/detect/detect-window.ts';
import { ALL_QUEUES } from '../../src/queue/names.ts';
import { DATA, killAll, runCli, startProcess, waitFor } from '../helpers/cli.ts';
import { createTestDatabase, REDIS_URL, testQueuePrefix } from '../helpers/services.ts';
import { query, count, alertSnapshot } from '../helpers/pg-query.ts';

const DEBATE = path.join(DATA, 'debate-d1/posts.ndjson.gz');
const ROLES = ['ingest', 'detect', 'scan', 'notify'] as const;

type Child = ReturnType<typeof startProcess>;

interface Outcome {
  posts: number;
  /** the alerts of the streaming windows alone, before the rolling scan */
  afterWindows: string[];
  alerts: string[];
  /** the members of each alert a webhook announced as opened, one line per delivery */
  announced: string[];
  /** pairs of runs of two different windows at the same time: more than one detect worker at work */
  parallelRuns: number;
  windowsCompleted: number;
  overlappingRuns: number;
  duplicateOpenEvents: number;
}

describe('two workers of each role against one Postgres and one Redis', () => {
  const children: Child[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await killAll(children);
    for (const f of cleanups.splice(0).reverse()) await f();
  });
  afterAll(async () => {
    await killAll(children);
  });

  async function run(replicas: number): Promise<Outcome> {
    const db = await createTestDatabase();
    const q = testQueuePrefix();
    cleanups.push(db.drop, q.cleanup);

    const deliveries: { event: string; alertId: number }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const j = JSON.parse(body) as { event: string; alert: { id: number } };
        deliveries.push({ event: j.event, alertId: Number(j.alert.id) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(() => r())));

    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      QUEUE_PREFIX: q.prefix,
      INGEST_CHUNK_SIZE: '1000', // many chunks, so both ingest workers take some
      JOB_LOCK_MS: '5000',
      DETECT_BACKOFF_MS: '200',
      SCAN_ROLLING_EVERY_MINUTES: '0',
      SCAN_DEEP_EVERY_HOURS: '0',
      WEBHOOK_URL: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
      WEBHOOK_SECRET: 'replicas',
      WEBHOOK_MIN_SEVERITY: 'low',
      WEBHOOK_BACKOFF_MS: '100',
    };
    for (const role of ROLES) for (let i = 0; i < replicas; i++) children.push(startProcess(`workers/${role}.ts`, [], env));

    const conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queues = ALL_QUEUES.map((n) => new Queue(n, { connection: conn, prefix: q.prefix }));
    cleanups.push(async () => {
      for (const x of queues) await x.close();
      conn.disconnect();
    });
    const idle = async () => {
      for (const x of queues) {
        const c = await x.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
        if (Object.values(c).some((v) => v > 0)) return false;
      }
      return true;
    };

    // the file through the ingest queue: its chunks land, each queues its windows
    const enq = await runCli(['ingest', DEBATE, '--enqueue-only', '--no-progress'], env);
    expect(enq.code, enq.stderr).toBe(0);
    const batchId = Number(/batch (\d+)/.exec(enq.stdout)![1]);
    await waitFor(
      'ingest and windows done',
      async () =>
        (await count(db.url, `select count(*) n from ingest_batches where id = ${batchId} and status = 'completed'`)) === 1 &&
        (await idle()) &&
        (await count(db.url, `select count(distinct window_start) n from scan_runs where kind = 'window' and status = 'completed'`)) >= 10 &&
        (await count(db.url, `select count(*) n from scan_runs where status = 'running'`)) === 0,
      240_000,
      250,
    );
    const afterWindows = await alertSnapshot(db.url);
    // then a rolling scan over everything, through the scan queue
    const scan = await runCli(['scan', '--all', '--enqueue'], env);
    expect(scan.code, scan.stderr).toBe(0);
    await waitFor(
      'scan done',
      async () => (await count(db.url, `select count(*) n from scan_runs where kind <> 'window' and status = 'completed'`)) === 1 && (await idle()),
      240_000,
      250,
    );
    const opened = await query<{ id: string }>(db.url, `select id from alerts`);
    await waitFor('webhooks delivered', async () => deliveries.filter((d) => d.event === 'alert.opened').length >= opened.length, 60_000, 100);
    await new Promise((r) => setTimeout(r, 1000)); // nothing more arrives

    const members = new Map(
      (await query<{ id: string; m: string }>(db.url, `select alert_id id, string_agg(account_key, ',' order by account_key) m from alert_members group by 1`)).map((r) => [Number(r.id), r.m]),
    );
    return {
      posts: await count(db.url, 'select count(*) n from posts'),
      afterWindows,
      alerts: await alertSnapshot(db.url),
      announced: deliveries.filter((d) => d.event === 'alert.opened').map((d) => members.get(d.alertId) ?? `?${d.alertId}`).sort(),
      parallelRuns: await count(
        db.url,
        `select count(*) n from scan_runs a join scan_runs b on a.id < b.id and a.kind = 'window' and b.kind = 'window'
           and a.window_start <> b.window_start and b.started_at < a.finished_at and a.started_at < b.finished_at`,
      ),
      windowsCompleted: await count(db.url, `select count(distinct window_start) n from scan_runs where kind = 'window' and status = 'completed'`),
      // two runs of one window whose times overlap: the same window analysed twice at once
      overlappingRuns: await count(
        db.url,
        `select count(*) n from scan_runs a join scan_runs b on a.id < b.id and a.kind = 'window' and b.kind = 'window'
           and a.window_start = b.window_start and b.started_at < coalesce(a.finished_at, now()) and a.started_at < coalesce(b.finished_at, now())`,
      ),
      duplicateOpenEvents: await count(db.url, `select count(*) n from (select alert_id from alert_events where action = 'opened' group by 1 having count(*) > 1) x`),
    };
  }

  it('the same posts, alerts and webhook deliveries as one worker of each role, and no double work', async () => {
    const one = await run(1);
    await killAll(children.splice(0));
    for (const f of cleanups.splice(0).reverse()) await f();
    const two = await run(2);

    expect(one.posts).toBe(two.posts);
    expect(one.posts).toBeGreaterThan(0);
    expect(one.alerts.length).toBeGreaterThan(0);
    expect(one.afterWindows.length).toBeGreaterThan(0);
    expect(two.afterWindows).toEqual(one.afterWindows);
    expect(two.alerts).toEqual(one.alerts);
    // every alert announced once, and the same alerts
    expect(two.announced).toEqual(one.announced);
    expect(new Set(two.announced).size).toBe(two.announced.length);
    expect(two.announced.length).toBe(two.alerts.length);
    expect(two.windowsCompleted).toBe(10);
    // both detect workers took windows (runs overlapped), where the single worker ran one at a time
    expect(one.parallelRuns).toBe(0);
    expect(two.parallelRuns).toBeGreaterThan(0);
    expect(two.overlappingRuns).toBe(0);
    expect(two.duplicateOpenEvents).toBe(0);
  }, 600_000);

  it('two runs of one window at once (its job and its follow-up on two workers) run one after the other', async () => {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    const ing = await runCli(['ingest', DEBATE, '--no-progress'], { DATABASE_URL: db.url, DETECT_STREAMING: 'false' });
    expect(ing.code, ing.stderr).toBe(0);
    const conn = await db.open();
    cleanups.push(async () => {
      await closeEngines();
      await conn.close();
    });
    const deps = detectDeps(loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' }), conn, pino({ level: 'silent' }));
    const w = { start: new Date('2016-09-27T01:30:00Z'), end: new Date('2016-09-27T01:40:00Z') };
    const [a, b] = await Promise.all([detectWindow(deps, w, 'detect:2016-09-27T01:30'), detectWindow(deps, w, 'detect-again:2016-09-27T01:30')]);
    expect(a.posts).toBeGreaterThan(1000);
    expect(b.posts).toBe(a.posts);
    const runs = await query<{ started_at: Date; finished_at: Date; same: string }>(
      db.url,
      `select started_at, finished_at, stats->>'same' as same from scan_runs where kind = 'window' order by started_at`,
    );
    expect(runs).toHaveLength(2);
    // the second began after the first had finished, found the same edges and stopped there
    expect(runs[1]!.started_at.getTime()).toBeGreaterThanOrEqual(runs[0]!.finished_at.getTime());
    expect(runs.map((r) => r.same)).toEqual(['false', 'true']);
  }, 300_000);
});
