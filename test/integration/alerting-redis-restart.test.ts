import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_DETECT, QUEUE_INGEST } from '../../src/queue/names.ts';
import { DATA, killAll, runCli, startProcess, waitFor } from '../helpers/cli.ts';
import { createTestDatabase } from '../helpers/services.ts';
import { query, count, alertSnapshot } from '../helpers/pg-query.ts';

/**
 * "Redis restarted under load: workers reconnect and finish; no job lost." The test runs its
 * own redis-server (never the machine's on 6379, which other tests use) with an append-only
 * file, so the queues survive a restart as they would in production (docker-compose runs
 * Redis with AOF on), and restarts it while an ingest worker writes chunks and again while
 * a detect worker works through the windows.
 */

const DEBATE = path.join(DATA, 'debate-d1/posts.ndjson.gz');
const POSTS = 24_650;
const WINDOWS = 10; // 90 minutes of debate in 10-minute windows

/** Pairs of alerts sharing at least half the members of the smaller one: the same network twice. */
const DUPLICATE_PAIRS = `
  select count(*) n from alerts a join alerts b on a.id < b.id
  where (select count(*) from alert_members x join alert_members y on x.account_key = y.account_key where x.alert_id = a.id and y.alert_id = b.id)
        >= 0.5 * least(a.member_count, b.member_count)`;

async function freePort(): Promise<number> {
  // a random start, so two test runs on one machine rarely race for the same port
  const first = 6390 + Math.floor(Math.random() * 500);
  for (let p = first; p < first + 200; p++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error('no free port for redis-server');
}

/** A redis-server of the test's own, with its append-only file in a temporary folder. */
class OwnRedis {
  private proc: ChildProcess | null = null;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-redis-'));
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const log = fs.openSync(path.join(this.dir, 'redis.log'), 'a');
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir, '--maxmemory-policy', 'noeviction'],
      { stdio: ['ignore', log, log] },
    );
    await waitFor(
      'redis-server up',
      async () => {
        const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        r.on('error', () => {});
        try {
          await r.connect();
          // up and done loading the append-only file
          return (await r.ping()) === 'PONG' && /loading:0/.test(await r.info('persistence'));
        } catch {
          return false;
        } finally {
          r.disconnect();
        }
      },
      20_000,
      50,
    );
  }

  /** `redis-cli shutdown` (the AOF is flushed), then the same server again on the same port and folder. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    await new Promise<void>((resolve) => spawn('redis-cli', ['-p', String(this.port), 'shutdown']).on('exit', () => resolve()));
    await exited;
    this.proc = null;
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => {});
    if (this.proc) this.proc.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const windowsDone = (url: string) => count(url, `select count(distinct window_start) n from scan_runs where kind = 'window' and status = 'completed'`);

describe.skipIf(!fs.existsSync(DEBATE))('Redis restarted under load', () => {
  let redis: OwnRedis;
  const children: (ChildProcess & { exited: Promise<number | null> })[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
  }, 30_000);
  afterEach(async () => {
    await killAll(children);
    for (const f of cleanups.splice(0)) await f();
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  const env = (url: string, prefix: string, extra: Record<string, string> = {}) => ({
    DATABASE_URL: url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    JOB_LOCK_MS: '3000',
    DETECT_BACKOFF_MS: '200',
    INGEST_BACKOFF_MS: '200',
    SCAN_ROLLING_EVERY_MINUTES: '0',
    SCAN_DEEP_EVERY_HOURS: '0',
    ...extra,
  });
  const queue = (name: string, prefix: string) => {
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    conn.on('error', () => {});
    const q = new Queue(name, { connection: conn, prefix });
    q.on('error', () => {}); // the restarts: this client reconnects like the workers
    cleanups.push(async () => {
      await q.close();
      conn.disconnect();
    });
    return q;
  };
  const pending = async (q: Queue) => {
    const c = await q.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return Object.values(c).reduce((a, b) => a + b, 0);
  };
  const fresh = async () => {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    return db.url;
  };

  it('ingest and detect workers reconnect and finish: every post lands once, every window is detected, the alerts equal an undisturbed run', async () => {
    // undisturbed: the command writes the chunks (they queue their windows), then one detect worker
    const base = await fresh();
    const ing = await runCli(['ingest', DEBATE, '--no-progress'], env(base, 'cwrr-base'));
    expect(ing.code, ing.stderr).toBe(0);
    const qBase = queue(QUEUE_DETECT, 'cwrr-base');
    expect(await pending(qBase)).toBe(WINDOWS);
    const detectBase = startProcess('workers/detect.ts', [], env(base, 'cwrr-base'));
    children.push(detectBase);
    await waitFor('baseline windows detected', async () => (await pending(qBase)) === 0 && (await windowsDone(base)) === WINDOWS, 120_000, 200);
    const baseline = await alertSnapshot(base);
    expect(baseline.length).toBeGreaterThan(0);
    detectBase.kill('SIGTERM');
    await detectBase.exited;

    // disturbed: small chunks written one at a time by an ingest worker, Redis restarted mid-way
    const url = await fresh();
    const prefix = 'cwrr-run';
    const ingestWorker = startProcess('workers/ingest.ts', [], env(url, prefix, { INGEST_CONCURRENCY: '1' }));
    children.push(ingestWorker);
    const qIngest = queue(QUEUE_INGEST, prefix);
    const qDetect = queue(QUEUE_DETECT, prefix);
    await waitFor('ingest worker up', async () => (await qIngest.getWorkers()).length > 0, 60_000, 100);
    const enq = await runCli(['ingest', DEBATE, '--enqueue-only', '--no-progress'], env(url, prefix, { INGEST_CHUNK_SIZE: '250', INGEST_MAX_QUEUED_CHUNKS: '1000' }));
    expect(enq.code, enq.stderr).toBe(0);
    const landed = () => count(url, 'select count(*) n from posts');
    await waitFor('some chunks written', async () => (await landed()) > 0, 60_000, 20);
    const before = await landed();
    expect(before).toBeLessThan(POSTS); // the restart comes mid-ingest
    await redis.restart(1500);
    await waitFor('batch completed', async () => (await query<{ status: string }>(url, 'select status from ingest_batches'))[0]?.status === 'completed', 120_000, 200);
    const [batch] = await query<{ accepted: number; duplicates: number; rejected: number }>(url, 'select accepted, duplicates, rejected from ingest_batches');
    expect(batch).toEqual({ accepted: POSTS, duplicates: 0, rejected: 0 });
    expect(await landed()).toBe(POSTS);
    expect(await landed()).toBeGreaterThan(before);
    // every window queued once, none lost, and no ingest job left failed
    expect(await pending(qDetect)).toBe(WINDOWS);
    expect(await qIngest.getJobCounts('failed', 'waiting', 'active', 'delayed')).toEqual({ failed: 0, waiting: 0, active: 0, delayed: 0 });

    // the detect worker, and Redis restarted again once it has detected some windows
    const detectWorker = startProcess('workers/detect.ts', [], env(url, prefix));
    children.push(detectWorker);
    await waitFor('a window detected', async () => (await windowsDone(url)) > 0, 120_000, 20);
    expect(await windowsDone(url)).toBeLessThan(WINDOWS);
    await redis.restart(1500);
    await waitFor('every window detected', async () => (await pending(qDetect)) === 0 && (await windowsDone(url)) === WINDOWS, 180_000, 200);
    expect(await qDetect.getJobCounts('failed')).toEqual({ failed: 0 });

    // the workers are the same processes: they reconnected rather than died
    expect(ingestWorker.exitCode).toBeNull();
    expect(detectWorker.exitCode).toBeNull();
    expect(await alertSnapshot(url)).toEqual(baseline);
    expect(await count(url, DUPLICATE_PAIRS)).toBe(0);
  }, 420_000);
});
