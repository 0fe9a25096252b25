import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { buildApi } from '../../src/api/app.ts';
import { isFormulaLike } from '../../src/api/export-formats.ts';
import { openApiQueues } from '../../src/app/api-queues.ts';
import type { ApiQueues } from '../../src/api/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { apiKeyRepository } from '../../src/db/api-key-repository.ts';
import { nullLogger } from '../../src/logger.ts';
import { registry } from '../../src/metrics.ts';
import { QUEUE_INGEST } from '../../src/queue/names.ts';
import { createTestDatabase, REDIS_URL, testQueuePrefix } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { CONSOLE_ORIGIN, consoleLogin, seedAlert, seedKeys, testConfig } from './api-seed.ts';
import type { SeededKeys } from './api-seed.ts';

// Issue 10 rows 7-12, as an attacker would try them, against real Postgres and Redis.
// Every catalogue below counts what it tried and what held; the counts are printed.

let tdb: TestDatabase;
let db: Db;
let queues: ApiQueues;
let app: FastifyInstance;
let keys: SeededKeys;
let alertId = 0;
let csvAlertId = 0;

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const EVIL = 'https://evil.example';
const tally: Record<string, { tried: number; held: number }> = {};
const count = (row: string, held: boolean) => {
  const t = (tally[row] ??= { tried: 0, held: 0 });
  t.tried++;
  if (held) t.held++;
};

/** Formula look-alikes a spreadsheet would run (row 12). */
const FORMULA_HANDLES = [
  ' =1+1',
  '\n=1+1',
  '\r\n=1+1',
  '\u200b=HYPERLINK("http://evil.example")',
  '\ufeff=cmd|"/c calc"!A1',
  '\u200e@SUM(A1)',
  '\u00a0+1',
  '\u3000=1',
  '\uff1dHYPERLINK("http://evil.example")',
  '\uff0b1',
  '\uff0d1',
  '\uff20SUM(A1)',
  '\ufe66cmd',
  '\t=1',
  '\r=1',
  '=1',
  '+1',
  '-1',
  '@x',
  ' \u2060 \u200d=2',
];

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  keys = await seedKeys(db.kysely);
  alertId = await seedAlert(
    db.kysely,
    { score: 80, severity: 'high', handles: ['ann', 'ben', 'cat'], at: 0 },
    0,
  );
  csvAlertId = await seedAlert(
    db.kysely,
    { score: 70, severity: 'high', handles: FORMULA_HANDLES, at: 60 },
    1,
  );
  const config = testConfig({
    ingestBodyLimit: 4 * 1024 * 1024,
    ingestMaxDecompressed: 8 * 1024 * 1024,
  });
  queues = await openApiQueues(config, db, nullLogger);
  app = await buildApi({ config, db, queues, log: nullLogger });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await queues?.close();
  await db?.close();
  await tdb?.drop();
  console.log(
    'attack catalogue (tried/held):',
    Object.entries(tally)
      .map(([k, v]) => `${k} ${v.held}/${v.tried}`)
      .join(', '),
  );
});

async function gzipOf(chunks: Iterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  const gz = Readable.from(chunks).pipe(zlib.createGzip({ level: 9 }));
  for await (const c of gz) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('row 7: a gzip bomb to POST /v1/posts', () => {
  it('stops at the decompressed cap with 413, says how much it read, and makes no batch', async () => {
    const mb = Buffer.alloc(1024 * 1024, 0x0a);
    const bomb = await gzipOf(
      (function* () {
        for (let i = 0; i < 300; i++) yield mb;
      })(),
    );
    expect(bomb.length).toBeLessThan(1.5 * 1024 * 1024);
    const before = (
      await app.inject({ method: 'GET', url: '/v1/batches', headers: auth(keys.viewer) })
    ).json().items.length;
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const r = await app.inject({
      method: 'POST',
      url: '/v1/posts',
      headers: { ...auth(keys.ingest), 'content-type': 'application/gzip' },
      payload: bomb,
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    expect(r.statusCode, r.body).toBe(413);
    const e = r.json().error;
    expect(e.code).toBe('decompressed_too_large');
    expect(e.message).toContain('API_INGEST_MAX_DECOMPRESSED');
    expect(e.details.limit).toBe(8 * 1024 * 1024);
    expect(e.details.decompressed_bytes_read).toBeGreaterThan(8 * 1024 * 1024);
    expect(e.details.decompressed_bytes_read).toBeLessThan(9 * 1024 * 1024);
    expect(e.details.compressed_bytes).toBe(bomb.length);
    const after = (
      await app.inject({ method: 'GET', url: '/v1/batches', headers: auth(keys.viewer) })
    ).json().items.length;
    expect(after).toBe(before);
    // not a timing assertion on a shared machine, only "not a minute": it was 65 s of CPU
    expect(ms).toBeLessThan(10_000);
    console.log(
      `gzip bomb: ${bomb.length} B body, 413 after ${e.details.decompressed_bytes_read} B read, ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`,
    );
  });

  it('still ingests a gzip body under the cap', async () => {
    const line =
      JSON.stringify({
        platform: 'x',
        post_id: 'gz1',
        posted_at: '2024-10-02T00:00:00Z',
        text: 'small gzip',
        account: { id: 'g1' },
      }) + '\n';
    const body = zlib.gzipSync(line);
    const r = await app.inject({
      method: 'POST',
      url: '/v1/posts',
      headers: { ...auth(keys.ingest), 'content-type': 'application/gzip' },
      payload: body,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().batch.accepted).toBe(1);
  });
});

describe('row 8: every API input is validated into a 400', () => {
  const b64 = (v: unknown) =>
    Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const NUL = '%00';
  const badNumbers = [
    'Infinity',
    '-Infinity',
    'NaN',
    '1e400',
    '-1e400',
    '1e308',
    '-1',
    '0',
    '1.5',
    '9223372036854775808',
    '18446744073709551616',
    'abc',
    '',
    '0x',
    '1,2',
  ];
  const badCursors = [
    'bm9wZQ',
    b64('[1e400, 1]'),
    b64('[null, 1e400]'),
    b64('["x", 9223372036854775808]'),
    b64('[1, -5]'),
    b64('[1, 1.5]'),
    b64('{"a":1}'),
    b64('[1,2,3]'),
    b64('[true, 1]'),
    b64('[{"$gt":1}, 1]'),
    'not base64!',
    NUL,
    'A'.repeat(2000),
    b64('["2024-13-45T99:00:00Z", 1]'),
  ];
  const badPostCursors = [
    b64('[1, "x:1"]'),
    b64('["2024-01-01T00:00:00Z", 5]'),
    b64('["2024-01-01T00:00:00Z", "x\\u0000"]'),
    b64('["bogus", "x:1"]'),
    b64('[null, null]'),
    ...badCursors.slice(0, 4),
  ];

  function cases(): {
    url: string;
    method?: 'GET' | 'POST' | 'PUT';
    payload?: unknown;
    key?: string;
    expect?: number[];
  }[] {
    const out: {
      url: string;
      method?: 'GET' | 'POST' | 'PUT';
      payload?: unknown;
      key?: string;
      expect?: number[];
    }[] = [];
    for (const p of [
      'status',
      'severity',
      'narrative',
      'platform',
      'assignee',
      'q',
      'from',
      'to',
      'cursor',
      'sort',
    ]) {
      out.push({ url: `/v1/alerts?${p}=a${NUL}b` }, { url: `/v1/alerts/counts?${p}=a${NUL}b` });
    }
    for (const p of ['q', 'platform', 'account', 'hashtag', 'url', 'from', 'to', 'cursor'])
      out.push({ url: `/v1/posts?${p}=a${NUL}b` });
    for (const n of badNumbers) {
      out.push(
        { url: `/v1/alerts?limit=${n}` },
        { url: `/v1/posts?limit=${n}` },
        { url: `/v1/scans?limit=${n}` },
        { url: `/v1/batches?limit=${n}` },
      );
      out.push({ url: `/v1/batches/1/rejected?limit=${n}` });
    }
    for (const n of [
      'Infinity',
      '1e400',
      'NaN',
      '-1',
      '9223372036854775808',
      '18446744073709551616',
      '1.5',
    ]) {
      out.push({ url: `/v1/batches/1/rejected?offset=${n}` });
      if (n !== '1.5') out.push({ url: `/v1/alerts?min_score=${n}` });
    }
    out.push(
      { url: '/v1/alerts?limit=1&limit=2' },
      { url: '/v1/alerts?q=a&q=b' },
      { url: '/v1/alerts?max_score=1e400' },
    );
    for (const id of [
      '9223372036854775808',
      '1e400',
      'Infinity',
      '-1',
      '0',
      '1.5',
      'NaN',
      `1${NUL}`,
    ]) {
      out.push(
        { url: `/v1/alerts/${id}` },
        { url: `/v1/alerts/${id}/graph` },
        { url: `/v1/alerts/${id}/members.csv` },
        { url: `/v1/batches/${id}` },
      );
    }
    for (const c of badCursors)
      out.push(
        { url: `/v1/alerts?cursor=${encodeURIComponent(c)}` },
        { url: `/v1/alerts?sort=last_seen&cursor=${encodeURIComponent(c)}` },
      );
    for (const c of badPostCursors) out.push({ url: `/v1/posts?cursor=${encodeURIComponent(c)}` });
    out.push(
      { url: `/v1/accounts/x${NUL}/a1`, expect: [400] },
      { url: `/v1/accounts/x/a${NUL}1`, expect: [400] },
    );
    // bodies
    const a = alertId;
    out.push(
      {
        method: 'POST',
        url: `/v1/alerts/${a}/notes`,
        payload: { note: 'x\u0000y' },
        key: keys.analyst,
      },
      {
        method: 'POST',
        url: `/v1/alerts/${a}/transitions`,
        payload: { to: 'in_review', note: '\u0000' },
        key: keys.analyst,
      },
      {
        method: 'POST',
        url: `/v1/alerts/${a}/assignment`,
        payload: { assignee: 'a\u0000' },
        key: keys.analyst,
      },
      {
        method: 'PUT',
        url: `/v1/alerts/${a}/members/x/a0_0/decision`,
        payload: { decision: 'coordinated', note: '\u0000' },
        key: keys.analyst,
      },
      {
        method: 'PUT',
        url: `/v1/alerts/${a}/members/x${NUL}/a0_0/decision`,
        payload: { decision: 'coordinated' },
        key: keys.analyst,
      },
      {
        method: 'POST',
        url: '/v1/scans',
        payload: { from: '2024-10-01T00:00:00Z\u0000' },
        key: keys.lead,
      },
      {
        method: 'POST',
        url: '/v1/scans',
        payload: { from: '+275760-09-13T00:00:00.000Z' },
        key: keys.lead,
      },
      { method: 'POST', url: '/v1/scans', payload: { kind: 'manual', extra: 1 }, key: keys.lead },
      {
        method: 'POST',
        url: `/v1/alerts/${a}/notes`,
        payload: '{"note": 1e400}',
        key: keys.analyst,
      },
      { method: 'POST', url: `/v1/alerts/${a}/notes`, payload: { note: ['a'] }, key: keys.analyst },
      { method: 'POST', url: `/v1/posts?platform=x${NUL}`, payload: '{}', key: keys.ingest },
      { method: 'POST', url: '/v1/posts?format=../../etc/passwd', payload: '{}', key: keys.ingest },
    );
    return out;
  }

  it('answers 400 (never 500) to NUL, non-finite and huge numbers, hand-made cursors and bad ids', async () => {
    const failures: string[] = [];
    for (const c of cases()) {
      const headers: Record<string, string> = auth(c.key ?? keys.viewer);
      if (c.method === 'POST' && c.url.startsWith('/v1/posts'))
        headers['content-type'] = 'application/x-ndjson';
      else if (typeof c.payload === 'string') headers['content-type'] = 'application/json';
      const r = await app.inject({
        method: c.method ?? 'GET',
        url: c.url,
        headers,
        payload: c.payload as string,
      });
      const ok =
        (c.expect ?? [400]).includes(r.statusCode) && typeof r.json().error?.code === 'string';
      count('8 input', ok);
      if (!ok)
        failures.push(
          `${c.method ?? 'GET'} ${c.url} ${JSON.stringify(c.payload ?? '')} -> ${r.statusCode} ${r.body.slice(0, 120)}`,
        );
    }
    expect(failures).toEqual([]);
  });

  it('console pages refuse the same inputs with 400 pages, and static lookups never reach a prototype', async () => {
    const { cookie } = await consoleLogin(app, keys.viewer);
    const failures: string[] = [];
    const page = [
      '/console/batches/1?offset=1e400',
      '/console/batches/1?offset=Infinity',
      '/console/batches/1?offset=9223372036854775808',
      '/console/batches/1?offset=-1',
      '/console/alerts?limit=Infinity',
      `/console/alerts?q=a${NUL}`,
      `/console/alerts?cursor=${b64('[1e400, 1]')}`,
      `/console/accounts/x/a${NUL}`,
    ];
    for (const url of page) {
      const r = await app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
      const ok = r.statusCode === 400 && String(r.headers['content-type']).startsWith('text/html');
      count('8 console', ok);
      if (!ok) failures.push(`${url} -> ${r.statusCode} ${r.headers['content-type']}`);
    }
    for (const f of [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '__defineGetter__',
      'valueOf',
      '%2e%2e%2fapp.ts',
      'console.js%00',
    ]) {
      const r = await app.inject({ method: 'GET', url: `/static/${f}` });
      const ok = r.statusCode === 404 || r.statusCode === 400;
      count('8 static', ok);
      if (!ok) failures.push(`/static/${f} -> ${r.statusCode}`);
    }
    expect(failures).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/static/console.js' })).statusCode).toBe(200);
  });
});

function metricValue(outcome: string): Promise<number> {
  return registry
    .getSingleMetric('coordwatch_api_credential_lookups_total')!
    .get()
    .then((m) =>
      m.values.filter((v) => v.labels.outcome === outcome).reduce((s, v) => s + v.value, 0),
    );
}

describe('row 9: made-up keys get no bucket of their own and cost few lookups', () => {
  it('700 fresh made-up Bearer keys or session cookies from one address share its bucket; lookups are throttled', async () => {
    const config = testConfig({ rateLimit: 100 });
    const small = await buildApi({ config, db, queues, log: nullLogger });
    try {
      for (const kind of ['bearer', 'cookie'] as const) {
        const ip = kind === 'bearer' ? '10.9.0.1' : '10.9.0.2';
        const lookups0 = (await metricValue('unknown')) + (await metricValue('known'));
        let served = 0;
        for (let i = 0; i < 700; i++) {
          const fake =
            kind === 'bearer'
              ? `cw_${randomBytes(32).toString('base64url')}`
              : `cws_${randomBytes(32).toString('base64url')}`;
          const headers = kind === 'bearer' ? auth(fake) : { cookie: `cw_session=${fake}` };
          const r = await small.inject({
            method: 'GET',
            url: '/v1/alerts',
            headers,
            remoteAddress: ip,
          });
          if (r.statusCode !== 429) served++;
        }
        const lookups = (await metricValue('unknown')) + (await metricValue('known')) - lookups0;
        count('9 bucket', served <= 100);
        count('9 lookups', lookups <= 30);
        console.log(
          `${kind}: 700 made-up credentials, ${served} answered before 429, ${lookups} database lookups`,
        );
        expect(served).toBeLessThanOrEqual(100);
        expect(lookups).toBeLessThanOrEqual(30);
        // a verified key from the same flooded address still has its own budget
        const real = await small.inject({
          method: 'GET',
          url: '/v1/me',
          headers: auth(keys.viewer),
          remoteAddress: ip,
        });
        expect(real.statusCode).toBe(200);
      }
      // a repeated unknown key is answered from the negative cache
      const cached0 = await metricValue('cached_unknown');
      for (let i = 0; i < 5; i++)
        await small.inject({
          method: 'GET',
          url: '/v1/alerts',
          headers: auth('cw_same-made-up-key'),
          remoteAddress: '10.9.0.3',
        });
      expect((await metricValue('cached_unknown')) - cached0).toBe(4);
    } finally {
      await small.close();
    }
  });

  it('limits /readyz per address', async () => {
    const small = await buildApi({
      config: testConfig({ rateLimit: 20 }),
      db,
      queues,
      log: nullLogger,
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 30; i++)
        codes.push(
          (await small.inject({ method: 'GET', url: '/readyz', remoteAddress: '10.9.1.1' }))
            .statusCode,
        );
      count(
        '9 readyz',
        codes.filter((c) => c === 200).length === 20 &&
          codes.filter((c) => c === 429).length === 10,
      );
      expect(codes.filter((c) => c === 200)).toHaveLength(20);
      expect(codes.filter((c) => c === 429)).toHaveLength(10);
      // another address is not affected; /healthz (no work) is not limited
      expect(
        (await small.inject({ method: 'GET', url: '/readyz', remoteAddress: '10.9.1.2' }))
          .statusCode,
      ).toBe(200);
      expect(
        (await small.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.9.1.1' }))
          .statusCode,
      ).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('row 10: CSRF on every cookie-authenticated write', () => {
  let rq: ApiQueues;
  let redisApp: FastifyInstance;
  const q = testQueuePrefix();
  let conn: Redis;

  beforeAll(async () => {
    const config = { ...testConfig(), redisUrl: REDIS_URL, queuePrefix: q.prefix };
    rq = await openApiQueues(config, db, nullLogger);
    redisApp = await buildApi({ config, db, queues: rq, log: nullLogger });
    await redisApp.ready();
    conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redisApp?.close();
    await rq?.close();
    conn?.disconnect();
    await q.cleanup();
  });

  it('refuses bull-board writes (pause a queue) from another origin with the admin cookie', async () => {
    const s = await consoleLogin(redisApp, keys.admin);
    const ingest = new Queue(QUEUE_INGEST, { connection: conn, prefix: q.prefix });
    try {
      const url = `/admin/queues/api/queues/${QUEUE_INGEST}/pause`;
      const foreign: Record<string, string>[] = [
        { origin: EVIL },
        { origin: EVIL, 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site', origin: 'http://localhost:8081' },
        { referer: `${EVIL}/attack.html` },
        { origin: 'null' },
        {},
      ];
      for (const h of foreign) {
        const r = await redisApp.inject({
          method: 'PUT',
          url,
          headers: { cookie: s.cookie, ...h },
        });
        const held = r.statusCode === 403 && !(await ingest.isPaused());
        count('10 bull-board', held);
        // bull-board's scope formats its own errors; the status and the queue are what matter
        expect(r.statusCode, JSON.stringify(h)).toBe(403);
        expect(r.body).toContain('console write must come from a page of this console');
      }
      expect(await ingest.isPaused()).toBe(false);
      // the dashboard's own page may
      const own = await redisApp.inject({
        method: 'PUT',
        url,
        headers: { cookie: s.cookie, origin: CONSOLE_ORIGIN, 'sec-fetch-site': 'same-origin' },
      });
      expect(own.statusCode, own.body).toBe(200);
      expect(await ingest.isPaused()).toBe(true);
      await ingest.resume();
    } finally {
      await ingest.close();
    }
  });

  it('refuses API writes with the cookie from another origin, even with the token', async () => {
    const s = await consoleLogin(app, keys.analyst);
    for (const h of [{ origin: EVIL }, { 'sec-fetch-site': 'cross-site' }, {}]) {
      const r = await app.inject({
        method: 'POST',
        url: `/v1/alerts/${alertId}/notes`,
        headers: { cookie: s.cookie, 'x-coordwatch-csrf': s.csrf, ...h },
        payload: { note: 'forged' },
      });
      count('10 api', r.statusCode === 403);
      expect(r.statusCode).toBe(403);
    }
    // a token of another session does not do either
    const other = await consoleLogin(app, keys.analyst);
    const r = await app.inject({
      method: 'POST',
      url: `/v1/alerts/${alertId}/notes`,
      headers: { cookie: s.cookie, 'x-coordwatch-csrf': other.csrf, origin: CONSOLE_ORIGIN },
      payload: { note: 'forged' },
    });
    count('10 api', r.statusCode === 403);
    expect(r.statusCode).toBe(403);
    // header keys are not cookies: API clients need no origin
    const api = await app.inject({
      method: 'POST',
      url: `/v1/alerts/${alertId}/notes`,
      headers: { ...auth(keys.analyst), origin: EVIL },
      payload: { note: 'from a script' },
    });
    expect(api.statusCode).toBe(201);
  });

  it('refuses login and logout posted from another origin', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const h of [{ origin: EVIL }, { 'sec-fetch-site': 'cross-site', origin: EVIL }, {}]) {
      const r = await app.inject({
        method: 'POST',
        url: '/login',
        headers: { ...form, ...h },
        payload: `key=${encodeURIComponent(keys.viewer)}`,
      });
      count('10 login', r.statusCode === 403 && !r.headers['set-cookie']);
      expect(r.statusCode).toBe(403);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const s = await consoleLogin(app, keys.viewer);
    const out = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: s.cookie, origin: EVIL },
    });
    count('10 logout', out.statusCode === 403);
    expect(out.statusCode).toBe(403);
    // the forged logout ended nothing
    expect(
      (await app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(200);
  });
});

describe('row 11: the console cookie is an opaque, expiring, revocable session', () => {
  it('holds no key, stores only a hash, and logout ends it server-side', async () => {
    const s = await consoleLogin(app, keys.analyst);
    expect(s.session).toMatch(/^cws_[A-Za-z0-9_-]{43}$/);
    expect(s.cookie).not.toContain(keys.analyst);
    const rows = await db.kysely.selectFrom('console_sessions').selectAll().execute();
    expect(
      rows.some((r) => r.token_hash === s.session || r.token_hash.includes(s.session.slice(4, 20))),
    ).toBe(false);
    const me = await app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s.cookie } });
    expect(me.json()).toMatchObject({ name: 'ana-analyst', via: 'cookie' });
    const out = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: s.cookie, origin: CONSOLE_ORIGIN },
    });
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toContain('cw_session=; HttpOnly');
    // the copied cookie is worth nothing now
    const after = await app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: s.cookie } });
    count('11 logout', after.statusCode === 401);
    expect(after.statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/console/alerts', headers: { cookie: s.cookie } }))
        .statusCode,
    ).toBe(303);
  });

  it('expires, dies with its key, and the old raw-key cookie opens nothing', async () => {
    const s = await consoleLogin(app, keys.viewer);
    await db.kysely
      .updateTable('console_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('revoked_at', 'is', null)
      .execute();
    const expired = await app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: s.cookie },
    });
    count('11 expiry', expired.statusCode === 401);
    expect(expired.statusCode).toBe(401);
    const repo = apiKeyRepository(db.kysely);
    const k = await repo.create({ name: 'temp-analyst', role: 'analyst' });
    const t = await consoleLogin(app, k.key);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: t.cookie } }))
        .statusCode,
    ).toBe(200);
    await repo.revoke('temp-analyst');
    const revoked = await app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: t.cookie },
    });
    count('11 key revoked', revoked.statusCode === 401);
    expect(revoked.statusCode).toBe(401);
    const legacy = await app.inject({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: `cw_key=${encodeURIComponent(keys.viewer)}` },
    });
    count('11 raw-key cookie', legacy.statusCode === 401);
    expect(legacy.statusCode).toBe(401);
  });

  it('marks cookies Secure when the deployment is https', async () => {
    const base = testConfig();
    const variants: [Record<string, string>, boolean][] = [
      [{}, false],
      [{ PUBLIC_URL: 'https://monitor.example' }, true],
      [{ PUBLIC_URL: 'http://monitor.example' }, false],
      [{ COOKIE_SECURE: 'true' }, true],
      [{ PUBLIC_URL: 'https://monitor.example', COOKIE_SECURE: 'false' }, false],
    ];
    for (const [env, secure] of variants) {
      const c = loadConfig({ LOG_LEVEL: 'silent', LOG_FORMAT: 'json', ...env });
      expect(c.api.cookieSecure, JSON.stringify(env)).toBe(secure);
      const a = await buildApi({
        config: {
          ...base,
          api: { ...base.api, cookieSecure: c.api.cookieSecure, publicUrl: c.api.publicUrl },
        },
        db,
        queues,
        log: nullLogger,
      });
      try {
        const r = await a.inject({
          method: 'POST',
          url: '/login',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: CONSOLE_ORIGIN },
          payload: `key=${encodeURIComponent(keys.viewer)}`,
        });
        const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
        expect(set.length).toBeGreaterThan(0);
        for (const c of set)
          expect(c.includes('; Secure'), `${JSON.stringify(env)} ${c}`).toBe(secure);
        count('11 secure', true);
      } finally {
        await a.close();
      }
    }
    expect(() => loadConfig({ COOKIE_SECURE: 'maybe' })).toThrow(/COOKIE_SECURE/);
  });
});

describe('row 12: CSV cells that a spreadsheet would run', () => {
  it('defuses formula starts behind spaces, line breaks, zero-width characters, BOM and full-width forms', async () => {
    const r = await app.inject({
      method: 'GET',
      url: `/v1/alerts/${csvAlertId}/members.csv`,
      headers: auth(keys.viewer),
    });
    expect(r.statusCode).toBe(200);
    const body = r.body;
    for (const h of FORMULA_HANDLES) {
      const quoted = /[",\r\n]/.test(`'${h}`) ? `"'${h.replace(/"/g, '""')}"` : `'${h}`;
      const held = body.includes(`,${quoted},`);
      count('12 csv', held);
      expect(held, JSON.stringify(h)).toBe(true);
    }
    for (const plain of ['alice', '5 votes', 'a=b', 'x@y', '#tag', ''])
      expect(isFormulaLike(plain), plain).toBe(false);
  });
});

describe('issue 12: /v1/me and the queue dashboard', () => {
  it('/v1/me lists the key’s own role only', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/me', headers: auth(keys.viewer) });
    expect(r.json()).toMatchObject({
      name: 'vera-viewer',
      role: 'viewer',
      roles: ['viewer'],
      via: 'header',
    });
  });

  it('/admin/queues answers a browser with an HTML 403 page and API clients with JSON', async () => {
    const s = await consoleLogin(app, keys.lead);
    const page = await app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { cookie: s.cookie, accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.statusCode).toBe(403);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('needs the admin role');
    const json = await app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: auth(keys.lead),
    });
    expect(json.statusCode).toBe(403);
    expect(json.json().error.code).toBe('forbidden');
    const anon = await app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { accept: 'text/html' },
    });
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toBe('/login?next=%2Fadmin%2Fqueues');
  });
});
