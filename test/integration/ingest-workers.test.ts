import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.ts';
import { ingestRepository } from '../../src/db/ingest-repository.ts';
import { QUEUE_INGEST } from '../../src/queue/names.ts';
import { DATA, killAll, runCli, startProcess, waitFor } from '../helpers/cli.ts';
import { createTestDatabase, REDIS_URL, testQueuePrefix } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { post } from '../helpers/posts.ts';

const IRA = path.join(DATA, 'ira-2016q4/posts.ndjson.gz');

describe('ingest through BullMQ workers on the real Postgres and Redis', () => {
  let tdb: TestDatabase;
  let db: Db;
  let q: { prefix: string; cleanup(): Promise<void> };
  const children: { kill(sig?: NodeJS.Signals): boolean; exitCode: number | null; exited: Promise<number | null> }[] = [];

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await tdb.open();
  });
  afterEach(async () => {
    await killAll(children);
    await q?.cleanup();
  });
  afterAll(async () => {
    await db.close();
    await tdb.drop();
  });

  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: tdb.url,
    REDIS_URL,
    QUEUE_PREFIX: q.prefix,
    ...extra,
  });
  const count = async (sql: string) => Number((await db.pool!.query(sql)).rows[0].n);

  it('a worker SIGKILLed in the middle of a large ingest, then restarted: every post lands exactly once', async () => {
    q = testQueuePrefix();
    const e = env({ INGEST_CHUNK_SIZE: '2000', JOB_LOCK_MS: '2000', INGEST_MAX_QUEUED_CHUNKS: '10000' });
    const enq = await runCli(['ingest', IRA, '--enqueue-only', '--no-progress'], e);
    expect(enq.code, enq.stderr).toBe(0);
    const batchId = Number(/batch (\d+)/.exec(enq.stdout)![1]);
    expect(enq.stdout).toContain('241,947 records queued in 121 chunks');

    const w1 = startProcess('workers/ingest.ts', [], e);
    children.push(w1);
    const repo = ingestRepository(db.kysely);
    await waitFor('some chunks written', async () => ((await repo.getBatch(batchId))!.chunks_done >= 10 ? true : null), 120_000, 50);
    w1.kill('SIGKILL');
    await w1.exited;
    const mid = (await repo.getBatch(batchId))!;
    expect(mid.status).toBe('running');

    const w2 = startProcess('workers/ingest.ts', [], e);
    children.push(w2);
    const done = await waitFor('batch completed', async () => {
      const b = await repo.getBatch(batchId);
      return b && b.status !== 'running' ? b : null;
    }, 180_000, 200);
    expect(done).toMatchObject({ status: 'completed', accepted: 241_947, duplicates: 0, rejected: 0, chunks_done: 121 });
    expect(await count('select count(*) n from posts')).toBe(241_947);
    expect(await count('select count(distinct account_id) n from posts')).toBe(490);
    expect(await count('select count(*) n from accounts')).toBe(490);
    expect(await count('select count(*) n from ingest_chunks where batch_id = ' + batchId)).toBe(121);

    // SIGTERM: the worker stops taking jobs and exits cleanly
    w2.kill('SIGTERM');
    expect(await w2.exited).toBe(0);

    // the same file again through the in-process worker of the CLI: nothing new, all duplicates
    const again = await runCli(['ingest', IRA, '--no-progress'], e);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/accepted\s+0\n/);
    expect(again.stdout).toMatch(/duplicates\s+241,947\n/);
    expect(await count('select count(*) n from posts')).toBe(241_947);
  }, 300_000);

  it('a poison job fails once with its reason and does not block the queue', async () => {
    q = testQueuePrefix();
    const e = env({ INGEST_ATTEMPTS: '5', INGEST_BACKOFF_MS: '100' });
    const conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_INGEST, { connection: conn, prefix: q.prefix });
    const batchId = await ingestRepository(db.kysely).createBatch({ source: 'test', format: null, fileName: null });
    await queue.add('chunk', { batchId, seq: 'zero', posts: 'lots' }, { jobId: 'poison', attempts: 5, backoff: { type: 'exponential', delay: 100 } });
    await queue.add('chunk', { batchId, seq: 0, posts: [post({ post_id: 'after-poison' })], rejected: [] }, { jobId: 'good', attempts: 5 });
    const w = startProcess('workers/ingest.ts', [], e);
    children.push(w);
    await waitFor('good job done', async () => (await queue.getJob('good'))?.finishedOn ?? null, 60_000);
    const poison = await queue.getJob('poison');
    expect(await poison!.getState()).toBe('failed');
    expect(poison!.attemptsMade).toBe(1);
    expect(poison!.failedReason).toMatch(/bad ingest payload: seq: .*expected number/i);
    expect(await count("select count(*) n from posts where post_id = 'after-poison'")).toBe(1);
    await queue.close();
    conn.disconnect();
  }, 120_000);
});

describe('ingest command: errors and exit codes', () => {
  it('says which service is unreachable and how to fix it', async () => {
    const file = path.join(DATA, 'debate-d1/posts.ndjson.gz');
    const pgDown = await runCli(['ingest', file], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    expect(pgDown.code).toBe(3);
    expect(pgDown.stderr).toMatch(/cannot reach Postgres at postgres:\/\/postgres@127\.0\.0\.1:1\/test.*fix DATABASE_URL/);
    const tdb = await createTestDatabase();
    try {
      const redisDown = await runCli(['ingest', file], { DATABASE_URL: tdb.url, REDIS_URL: 'redis://127.0.0.1:1' });
      expect(redisDown.code).toBe(3);
      expect(redisDown.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1.*REDIS_URL/);
    } finally {
      await tdb.drop();
    }
  });

  it('exits 2 when the input cannot be read, before touching any service', async () => {
    const r = await runCli(['ingest', '/nonexistent/file.ndjson'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read input: /nonexistent/file.ndjson: no such file or folder');
    const bad = await runCli(['ingest', '-', '--format', 'yaml'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown --format "yaml"');
    const cfg = await runCli(['ingest', '-'], { INGEST_CHUNK_SIZE: 'lots' });
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toContain('invalid INGEST_CHUNK_SIZE');
  });
});

describe('embedded default: no DATABASE_URL, no REDIS_URL', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-embedded-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ingests a file into PGlite and reads back what landed', async () => {
    const file = path.join(DATA, 'debate-d1/posts.ndjson.gz');
    const r = await runCli(['ingest', file, '--no-progress'], { DATA_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accepted\s+24,650\n/);
    const b = await runCli(['batches', '--json'], { DATA_DIR: dir });
    expect(b.code, b.stderr).toBe(0);
    const rows = JSON.parse(b.stdout);
    expect(rows[0]).toMatchObject({ status: 'completed', accepted: 24_650, duplicates: 0, format: 'ndjson' });
    // stdin, same posts: duplicates only
    const again = await runCli(['ingest', '-', '--no-progress'], { DATA_DIR: dir }, zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/duplicates\s+24,650\n/);
  }, 120_000);
});
