import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.ts';
import { openApiQueues } from '../../src/app/api-queues.ts';
import type { ApiQueues } from '../../src/api/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { nullLogger } from '../../src/logger.ts';
import { QUEUE_INGEST, QUEUE_SCAN } from '../../src/queue/names.ts';
import { createTestDatabase, REDIS_URL, testQueuePrefix } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { seedKeys, testConfig } from './api-seed.ts';
import type { SeededKeys } from './api-seed.ts';

// With Redis the API only produces jobs (workers run them) and shows the queues to admins.
let tdb: TestDatabase;
let db: Db;
let queues: ApiQueues;
let app: FastifyInstance;
let keys: SeededKeys;
const q = testQueuePrefix();
let conn: Redis;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  keys = await seedKeys(db.kysely);
  const config = { ...testConfig(), redisUrl: REDIS_URL, queuePrefix: q.prefix };
  queues = await openApiQueues(config, db, nullLogger);
  app = await buildApi({ config, db, queues, log: nullLogger });
  await app.ready();
  conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  await app?.close();
  await queues?.close();
  conn?.disconnect();
  await db?.close();
  await tdb?.drop();
  await q.cleanup();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API with Redis queues', () => {
  it('reports Redis in /readyz', async () => {
    const r = await app.inject({ method: 'GET', url: '/readyz' });
    expect(r.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('serves the queue dashboard to admins only', async () => {
    expect((await app.inject({ method: 'GET', url: '/admin/queues', headers: auth(keys.lead) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(401);
    const r = await app.inject({ method: 'GET', url: '/admin/queues', headers: auth(keys.admin) });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: auth(keys.admin) });
    expect(api.statusCode).toBe(200);
    expect(api.json().queues.map((x: { name: string }) => x.name).sort()).toEqual(['detect', 'ingest', 'notify', 'scan']);
  });

  it('queues posted records as ingest chunks for the workers (202, batch running)', async () => {
    const line = JSON.stringify({ platform: 'x', post_id: 'r1', posted_at: '2024-10-02T00:00:00Z', text: 'queued', account: { id: 'u1' } });
    const r = await app.inject({ method: 'POST', url: '/v1/posts', headers: { ...auth(keys.ingest), 'content-type': 'application/x-ndjson' }, payload: line + '\n' });
    expect(r.statusCode, r.body).toBe(202);
    const batchId = r.json().batch.id;
    expect(r.json().batch.status).toBe('running');
    const ingest = new Queue(QUEUE_INGEST, { connection: conn, prefix: q.prefix });
    expect(await ingest.getJob(`ingest:${batchId}:0`)).toBeTruthy();
    await ingest.close();
  });

  it('queues a scan job with a deterministic id', async () => {
    const r = await app.inject({ method: 'POST', url: '/v1/scans', headers: auth(keys.lead), payload: { kind: 'manual', from: '2024-10-01T00:00:00Z', to: '2024-10-02T00:00:00Z' } });
    expect(r.statusCode, r.body).toBe(202);
    const jobId = r.json().job_id;
    expect(jobId).toBe(`scan:manual:${Date.parse('2024-10-01T00:00:00Z')}-${Date.parse('2024-10-02T00:00:00Z')}`);
    const scan = new Queue(QUEUE_SCAN, { connection: conn, prefix: q.prefix });
    const job = await scan.getJob(jobId);
    expect(job?.data).toEqual({ kind: 'manual', from: '2024-10-01T00:00:00.000Z', to: '2024-10-02T00:00:00.000Z' });
    await scan.close();
  });
});
