import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_DETECT, QUEUE_SCAN } from '../../src/queue/names.ts';
import { DATA, killAll, runCli, startProcess, waitFor } from '../helpers/cli.ts';
import { createTestDatabase, PG_ADMIN_URL, REDIS_URL, testQueuePrefix } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { query, alertSnapshot } from '../helpers/pg-query.ts';

const DEBATE = path.join(DATA, 'debate-d1/posts.ndjson.gz');

type Child = ReturnType<typeof startProcess>;

/** A database cloned from one that already holds the debate posts (cloning beats re-ingesting). */
async function cloneOf(source: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const name = `${source}_c${Math.random().toString(36).slice(2, 8)}`;
  try {
    await admin.query(`create database "${name}" template "${source}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

/** Pairs of alerts sharing at least half the members of the smaller one: the same network twice. */
const DUPLICATE_PAIRS = `
  select count(*) n from alerts a join alerts b on a.id < b.id
  where (select count(*) from alert_members x join alert_members y on x.account_key = y.account_key where x.alert_id = a.id and y.alert_id = b.id)
        >= 0.5 * least(a.member_count, b.member_count)`;

const ZERO_SCHEDULES = { SCAN_ROLLING_EVERY_MINUTES: '0', SCAN_DEEP_EVERY_HOURS: '0' };

describe('alerting workers on the real Postgres and Redis', () => {
  let posts: TestDatabase; // the debate posts, ingested once, no detection yet
  const children: Child[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    posts = await createTestDatabase();
    const r = await runCli(['ingest', DEBATE, '--no-progress'], { DATABASE_URL: posts.url, DETECT_STREAMING: 'false' });
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
  afterEach(async () => {
    await killAll(children);
    for (const f of cleanups.splice(0)) await f();
  });
  afterAll(async () => {
    await posts.drop();
  });

  const fresh = async () => {
    const db = await cloneOf(posts.name);
    const q = testQueuePrefix();
    cleanups.push(db.drop, q.cleanup);
    return { url: db.url, prefix: q.prefix };
  };
  const env = (t: { url: string; prefix: string }, extra: Record<string, string> = {}) => ({
    DATABASE_URL: t.url,
    REDIS_URL,
    QUEUE_PREFIX: t.prefix,
    JOB_LOCK_MS: '2000',
    DETECT_BACKOFF_MS: '200',
    ...ZERO_SCHEDULES,
    ...extra,
  });
  const queue = (name: string, prefix: string) => {
    const conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const q = new Queue(name, { connection: conn, prefix });
    cleanups.push(async () => {
      await q.close();
      conn.disconnect();
    });
    return q;
  };
  const pendingJobs = async (q: Queue) => {
    const c = await q.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return Object.values(c).reduce((a, b) => a + b, 0);
  };
  const count = async (url: string, q: string) => Number((await query<{ n: number }>(url, q))[0]!.n);

  /** Queue every detection window of the stored posts, as the ingest chunks do. */
  const queueWindows = async (t: { url: string; prefix: string }) => {
    // re-ingesting would add nothing (duplicates); the windows are queued by replaying the trigger's adds
    const starts = await query<{ s: Date }>(t.url, `select distinct to_timestamp(floor(extract(epoch from posted_at) / 600) * 600) as s from posts order by 1`);
    const q = queue(QUEUE_DETECT, t.prefix);
    for (const { s } of starts) {
      const start = new Date(s);
      const end = new Date(start.getTime() + 600_000);
      await q.add('window', { windowStart: start.toISOString(), windowEnd: end.toISOString() }, { jobId: `detect:${start.toISOString().slice(0, 16)}`, attempts: 5, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: true, removeOnFail: false });
    }
    return { q, windows: starts.length };
  };

  it('streaming: ingest chunks queue their windows; a detect worker SIGKILLed mid-window is retried and the alerts match an undisturbed run', async () => {
    // undisturbed: ingest through Redis (the chunks queue the windows), one detect worker
    const a = await fresh();
    const emptyA = await createTestDatabase(); // nothing ingested yet
    cleanups.push(emptyA.drop);
    const ing = await runCli(['ingest', DEBATE, '--no-progress'], env({ url: emptyA.url, prefix: a.prefix }));
    expect(ing.code, ing.stderr).toBe(0);
    const qa = queue(QUEUE_DETECT, a.prefix);
    const queued = await pendingJobs(qa);
    expect(queued).toBe(10); // 90 minutes of debate: ten 10-minute windows, each queued once
    children.push(startProcess('workers/detect.ts', [], env({ url: emptyA.url, prefix: a.prefix })));
    await waitFor('windows detected', async () => (await pendingJobs(qa)) === 0 && (await count(emptyA.url, `select count(*) n from scan_runs where kind = 'window' and status = 'completed'`)) >= 10, 120_000, 200);
    const baseline = await alertSnapshot(emptyA.url);
    expect(baseline.length).toBeGreaterThan(0);

    // disturbed: the same windows, the worker killed while a window is running
    const b = await fresh();
    const { q: qb, windows } = await queueWindows(b);
    expect(windows).toBe(10);
    const w1 = startProcess('workers/detect.ts', [], env(b));
    children.push(w1);
    await waitFor('a window in progress', async () => (await count(b.url, `select count(*) n from scan_runs where kind = 'window' and status = 'running'`)) > 0, 60_000, 5);
    w1.kill('SIGKILL');
    await w1.exited;
    children.push(startProcess('workers/detect.ts', [], env(b)));
    await waitFor('windows detected after the crash', async () => (await pendingJobs(qb)) === 0 && (await count(b.url, `select count(distinct window_start) n from scan_runs where kind = 'window' and status = 'completed'`)) >= 10, 120_000, 200);
    expect(await count(b.url, `select count(*) n from scan_runs where status = 'failed' and error like 'interrupted%'`)).toBe(1);
    expect(await alertSnapshot(b.url)).toEqual(baseline);
    // none duplicated: no two alerts overlap as much as the identity rule merges (ALERT_OVERLAP 0.5)
    expect(await count(b.url, DUPLICATE_PAIRS)).toBe(0);
  }, 300_000);

  it('a scan worker SIGKILLed mid-scan: the scan is retried and the alerts equal an in-process scan of the same window', async () => {
    const c = await fresh();
    const base = await runCli(['scan', '--all'], { DATABASE_URL: c.url });
    expect(base.code, base.stderr).toBe(0);
    const baseline = await alertSnapshot(c.url);
    expect(baseline.length).toBeGreaterThan(0);
    // the same window again changes nothing
    const again = await runCli(['scan', '--all'], { DATABASE_URL: c.url });
    expect(again.stdout).toMatch(/0 opened, 0 updated, 0 reopened, \d+ unchanged/);
    expect(await count(c.url, 'select count(*) n from alert_events')).toBe(baseline.length);

    const d = await fresh();
    const enq = await runCli(['scan', '--all', '--enqueue'], env(d));
    expect(enq.code, enq.stderr).toBe(0);
    const w1 = startProcess('workers/scan.ts', [], env(d));
    children.push(w1);
    await waitFor('scan running', async () => (await count(d.url, `select count(*) n from scan_runs where status = 'running'`)) > 0, 60_000, 10);
    w1.kill('SIGKILL');
    await w1.exited;
    expect(await count(d.url, 'select count(*) n from alerts')).toBe(0); // nothing half-written
    children.push(startProcess('workers/scan.ts', [], env(d)));
    await waitFor('scan completed', async () => (await count(d.url, `select count(*) n from scan_runs where status = 'completed'`)) === 1, 120_000, 200);
    expect(await count(d.url, `select count(*) n from scan_runs where status = 'failed' and error like 'interrupted%'`)).toBe(1);
    expect(await alertSnapshot(d.url)).toEqual(baseline);
    expect(await count(d.url, DUPLICATE_PAIRS)).toBe(0);
  }, 300_000);

  it('Postgres unreachable for a while: the scan fails with backoff, completes once it is back, nothing half-written', async () => {
    const e = await fresh();
    const base = await cloneOf(posts.name);
    cleanups.push(base.drop);
    expect((await runCli(['scan', '--all'], { DATABASE_URL: base.url })).code).toBe(0);
    const baseline = await alertSnapshot(base.url);

    const u = new URL(e.url);
    const proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
    cleanups.push(proxy.close);
    const viaProxy = new URL(e.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const w = startProcess('workers/scan.ts', [], env({ url: viaProxy.toString(), prefix: e.prefix }, { SCAN_ATTEMPTS: '8', SCAN_BACKOFF_MS: '300' }));
    children.push(w);
    const q = queue(QUEUE_SCAN, e.prefix);
    await waitFor('scan worker up', async () => (await q.getWorkers()).length > 0, 60_000, 100);
    await proxy.cut();
    const enq = await runCli(['scan', '--all', '--enqueue'], env(e, { SCAN_ATTEMPTS: '8', SCAN_BACKOFF_MS: '300' }));
    expect(enq.code, enq.stderr).toBe(0);
    const jobId = /queued (\S+)/.exec(enq.stdout)![1]!;
    await waitFor('two failed attempts', async () => ((await q.getJob(jobId))?.attemptsMade ?? 0) >= 2, 60_000, 100);
    expect((await q.getJob(jobId))!.failedReason).toMatch(/ECONNREFUSED|terminat|Connection|connect/i);
    expect(await count(e.url, 'select count(*) n from scan_runs')).toBe(0);
    await proxy.restore();
    await waitFor('scan completed', async () => (await count(e.url, `select count(*) n from scan_runs where status = 'completed'`)) === 1, 120_000, 200);
    expect(await alertSnapshot(e.url)).toEqual(baseline);
    expect(await count(e.url, 'select count(*) n from alerts a where not exists (select 1 from alert_members m where m.alert_id = a.id)')).toBe(0);
  }, 300_000);

  it('a poison detect job fails once with its reason, stays in the dead-letter view and does not block the queue', async () => {
    const f = await fresh();
    const q = queue(QUEUE_DETECT, f.prefix);
    await q.add('window', { windowStart: 'yesterday', windowEnd: 42 }, { jobId: 'poison', attempts: 5, backoff: { type: 'exponential', delay: 100 }, removeOnFail: false });
    await q.add('window', { windowStart: '2016-09-27T01:20:00.000Z', windowEnd: '2016-09-27T01:30:00.000Z' }, { jobId: 'good', attempts: 5, removeOnComplete: false });
    children.push(startProcess('workers/detect.ts', [], env(f)));
    await waitFor('good job done', async () => (await q.getJob('good'))?.finishedOn ?? null, 60_000);
    const poison = (await q.getJob('poison'))!;
    expect(await poison.getState()).toBe('failed');
    expect(poison.attemptsMade).toBe(1);
    expect(poison.failedReason).toMatch(/bad detect payload: windowStart: expected an ISO UTC timestamp/);
    const dead = await runCli(['jobs', 'failed', '--json'], env(f));
    expect(dead.code, dead.stderr).toBe(0);
    expect(JSON.parse(dead.stdout)).toEqual([expect.objectContaining({ queue: 'detect', id: 'poison', attempts: 1, reason: expect.stringMatching(/bad detect payload/) })]);
    const retry = await runCli(['jobs', 'retry', 'detect', 'poison'], env(f));
    expect(retry.stdout).toBe('job poison queued again\n');
    await waitFor('poison failed again', async () => ((await q.getJob('poison'))?.attemptsMade ?? 0) >= 2, 30_000);
  }, 120_000);

  it('webhooks: new alerts at or above the minimum severity are POSTed once, signed, retried through a failing endpoint', async () => {
    const g = await fresh();
    const got: { body: string; sig: string; ts: string; status: number }[] = [];
    let failures = 2;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const status = failures-- > 0 ? 503 : 200;
        got.push({ body, sig: String(req.headers['x-coordwatch-signature']), ts: String(req.headers['x-coordwatch-timestamp']), status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    const hook = { WEBHOOK_URL: url, WEBHOOK_SECRET: 's3cret', WEBHOOK_MIN_SEVERITY: 'high', WEBHOOK_BACKOFF_MS: '100' };
    children.push(startProcess('workers/scan.ts', [], env(g, hook)), startProcess('workers/notify.ts', [], env(g, hook)));
    const enq = await runCli(['scan', '--all', '--enqueue'], env(g, hook));
    expect(enq.code, enq.stderr).toBe(0);
    await waitFor('scan completed', async () => (await count(g.url, `select count(*) n from scan_runs where status = 'completed'`)) === 1, 120_000, 200);
    const high = await query<{ id: number }>(g.url, `select id from alerts where severity in ('high', 'critical') order by id`);
    expect(high.length).toBeGreaterThan(0);
    await waitFor('all delivered', async () => got.filter((x) => x.status === 200).length >= high.length, 60_000, 100);
    await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
    const ok = got.filter((x) => x.status === 200);
    expect(got.length).toBe(high.length + 2);
    expect(ok.map((x) => JSON.parse(x.body).alert.id).sort()).toEqual(high.map((h) => Number(h.id)));
    for (const x of got) expect(x.sig).toBe('sha256=' + createHmac('sha256', 's3cret').update(`${x.ts}.${x.body}`).digest('hex'));
    expect(JSON.parse(ok[0]!.body)).toMatchObject({ event: 'alert.opened', alert: { status: 'open' } });
  }, 180_000);
});

describe('embedded default: the whole pipeline in-process', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-alerting-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ingesting the debate into PGlite detects its windows and leaves alerts to read', async () => {
    const r = await runCli(['ingest', DEBATE, '--no-progress'], { DATA_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    const list = await runCli(['alerts', '--json'], { DATA_DIR: dir });
    expect(list.code, list.stderr).toBe(0);
    const alerts = JSON.parse(list.stdout) as { id: number; status: string; member_count: number }[];
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]).toMatchObject({ status: 'open' });
    const scans = await runCli(['scans', '--kind', 'window', '--json'], { DATA_DIR: dir });
    expect(JSON.parse(scans.stdout).filter((s: { status: string }) => s.status === 'completed')).toHaveLength(10);
    const one = await runCli(['alert', String(alerts[0]!.id)], { DATA_DIR: dir });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/why \(score parts/);
    expect(one.stdout).toMatch(/history:\n.*system {2}opened/);
  }, 240_000);
});
