import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.ts';
import { openApiQueues } from '../../src/app/api-queues.ts';
import type { ApiQueues } from '../../src/api/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { nullLogger } from '../../src/logger.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { seedAlert, seedKeys, testConfig } from './api-seed.ts';
import type { SeededKeys } from './api-seed.ts';

// The published OpenAPI document is the contract: every operation in it is called for real
// here, and every answer (successes and errors) must match the schema the document gives for
// its status and content type.

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let tdb: TestDatabase;
let db: Db;
let queues: ApiQueues;
let app: FastifyInstance;
let keys: SeededKeys;
let alertId = 0;
let otherAlertId = 0;

interface OpenApiDoc {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components?: { schemas?: Record<string, object> };
}
let doc: OpenApiDoc;
let ajv: Ajv;
const compiled = new Map<string, ValidateFunction>();
const called = new Set<string>();
let checked = 0;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  keys = await seedKeys(db.kysely);
  alertId = await seedAlert(
    db.kysely,
    {
      score: 90,
      severity: 'critical',
      narrative: 'election-fraud',
      handles: ['ann', 'ben', 'cat'],
      at: 0,
    },
    0,
  );
  otherAlertId = await seedAlert(
    db.kysely,
    { score: 60, severity: 'medium', handles: ['dan', 'eve'], at: 60 },
    1,
  );
  for (let i = 2; i < 6; i++)
    await seedAlert(
      db.kysely,
      { score: 50 - i, severity: 'low', handles: [`u${i}a`, `u${i}b`], at: 60 * i },
      i,
    );
  const config = testConfig({ ingestBodyLimit: 8192 });
  queues = await openApiQueues(config, db, nullLogger);
  app = await buildApi({ config, db, queues, log: nullLogger });
  await app.ready();
  doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as OpenApiDoc;
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(rebase({ components: doc.components ?? {} }) as object, 'openapi.json');
});

afterAll(async () => {
  await app?.close();
  await queues?.close();
  await db?.close();
  await tdb?.drop();
  console.log(`contract: ${checked} answers checked against /docs/json, ${called.size} operations`);
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

/** Refs in the document point at `#/components/schemas/X`; here they resolve into the added document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema && typeof schema === 'object') {
    const o = schema as Record<string, unknown>;
    // OpenAPI 3.0's `nullable` beside a $ref (no type) is `anyOf [it, null]` in JSON Schema
    if (o.nullable === true && o.type === undefined) {
      const { nullable: _n, ...rest } = o;
      return { anyOf: [rebase(rest), { type: 'null' }] };
    }
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' && v.startsWith('#/components/')
          ? `openapi.json${v}`
          : rebase(v),
      ]),
    );
  }
  return schema;
}

interface Call {
  method: 'GET' | 'POST' | 'PUT';
  /** the path as the document spells it */
  path: string;
  url: string;
  key?: string | null;
  payload?: unknown;
  contentType?: string;
  status: number;
}

async function check(c: Call): Promise<unknown> {
  const headers: Record<string, string> = c.key === null ? {} : auth(c.key ?? keys.viewer);
  if (c.contentType) headers['content-type'] = c.contentType;
  const r = await app.inject({
    method: c.method,
    url: c.url,
    headers,
    payload: c.payload as string,
  });
  expect(r.statusCode, `${c.method} ${c.url}: ${r.body.slice(0, 300)}`).toBe(c.status);
  const op = doc.paths[c.path]?.[c.method.toLowerCase()];
  expect(op, `${c.method} ${c.path} is in the document`).toBeDefined();
  called.add(`${c.method} ${c.path}`);
  const res = op!.responses[String(c.status)];
  expect(res, `${c.method} ${c.path} documents ${c.status}`).toBeDefined();
  const type = String(r.headers['content-type'] ?? '').split(';')[0]!;
  const content = res!.content ?? {};
  const media =
    content[type] ?? (type === 'application/json' ? undefined : content['application/json']);
  expect(
    media,
    `${c.method} ${c.path} ${c.status} documents ${type} (has ${Object.keys(content).join(', ')})`,
  ).toBeDefined();
  // application/stix+json and the like are JSON too
  if (type !== 'application/json' && !type.endsWith('+json')) return r.body;
  const id = `${c.method} ${c.path} ${c.status}`;
  let validate = compiled.get(id);
  if (!validate) {
    validate = ajv.compile(rebase(media!.schema) as object);
    compiled.set(id, validate);
  }
  const body = r.json() as unknown;
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${id} matches the document`).toEqual([]);
  checked++;
  return body;
}

describe('the OpenAPI document', () => {
  it('has a request and response schema for every operation, not "Default Response"', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, m]) =>
      Object.entries(m).map(([verb, op]) => ({ p, verb, op })),
    );
    expect(ops.length).toBeGreaterThanOrEqual(23);
    for (const { p, verb, op } of ops) {
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith('2')),
        `${verb} ${p}`,
      ).toBe(true);
      for (const s of statuses)
        expect(op.responses[s]!.content, `${verb} ${p} ${s} has a schema`).toBeDefined();
    }
    // cursor pagination is documented where it is used
    const alerts = doc.paths['/v1/alerts']!.get as unknown as {
      parameters: { name: string; description?: string }[];
    };
    expect(alerts.parameters.find((x) => x.name === 'cursor')?.description).toContain(
      'next_cursor',
    );
  });

  it('every operation answers as documented, successes and errors alike', async () => {
    const A = alertId;
    // ops
    await check({ method: 'GET', path: '/healthz', url: '/healthz', key: null, status: 200 });
    await check({ method: 'GET', path: '/readyz', url: '/readyz', key: null, status: 200 });
    await check({ method: 'GET', path: '/metrics', url: '/metrics', key: null, status: 200 });
    await check({ method: 'GET', path: '/v1/me', url: '/v1/me', status: 200 });
    await check({ method: 'GET', path: '/v1/me', url: '/v1/me', key: null, status: 401 });
    await check({ method: 'GET', path: '/v1/me', url: '/v1/me', key: 'cw_unknown', status: 401 });

    // ingest first, so posts, batches and rejected records exist
    const lines = [
      {
        platform: 'x',
        post_id: 'p1',
        posted_at: '2024-10-01T00:05:00Z',
        text: 'hello #vote http://a.example/x',
        account: { id: 'a0_0', handle: 'ann' },
      },
      {
        platform: 'x',
        post_id: 'p2',
        posted_at: '2024-10-01T00:06:00Z',
        text: 'again',
        account: { id: 'a0_1', handle: 'ben' },
      },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const ingested = (await check({
      method: 'POST',
      path: '/v1/posts',
      url: '/v1/posts',
      key: keys.ingest,
      contentType: 'application/x-ndjson',
      payload: lines + '\n{"broken\n',
      status: 200,
    })) as { batch: { id: number } };
    const batchId = ingested.batch.id;
    await check({
      method: 'POST',
      path: '/v1/posts',
      url: '/v1/posts',
      key: keys.ingest,
      contentType: 'application/x-ndjson',
      payload: 'x'.repeat(9000),
      status: 413,
    });
    await check({
      method: 'POST',
      path: '/v1/posts',
      url: '/v1/posts',
      key: keys.ingest,
      contentType: 'image/png',
      payload: 'x',
      status: 415,
    });
    await check({
      method: 'POST',
      path: '/v1/posts',
      url: '/v1/posts?format=nope',
      key: keys.ingest,
      contentType: 'application/x-ndjson',
      payload: '{}',
      status: 400,
    });
    await check({
      method: 'POST',
      path: '/v1/posts',
      url: '/v1/posts',
      key: keys.viewer,
      contentType: 'application/x-ndjson',
      payload: '{}',
      status: 403,
    });

    // alerts, with every page of the cursor walk checked
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = (await check({
        method: 'GET',
        path: '/v1/alerts',
        url: `/v1/alerts?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        status: 200,
      })) as { next_cursor: string | null };
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    await check({
      method: 'GET',
      path: '/v1/alerts',
      url: '/v1/alerts?sort=-last_seen&status=open,in_review&severity=critical',
      status: 200,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts',
      url: '/v1/alerts?limit=Infinity',
      status: 400,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts',
      url: '/v1/alerts?cursor=bm9wZQ',
      status: 400,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts',
      url: '/v1/alerts',
      key: keys.ingest,
      status: 403,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/counts',
      url: '/v1/alerts/counts',
      status: 200,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/counts',
      url: '/v1/alerts/counts?q=%00',
      status: 400,
    });
    await check({ method: 'GET', path: '/v1/alerts/{id}', url: `/v1/alerts/${A}`, status: 200 });
    await check({ method: 'GET', path: '/v1/alerts/{id}', url: '/v1/alerts/424242', status: 404 });
    await check({ method: 'GET', path: '/v1/alerts/{id}', url: '/v1/alerts/1e400', status: 400 });
    await check({
      method: 'GET',
      path: '/v1/alerts/{id}/graph',
      url: `/v1/alerts/${A}/graph`,
      status: 200,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/{id}/graph',
      url: '/v1/alerts/424242/graph',
      status: 404,
    });
    await check({
      method: 'POST',
      path: '/v1/alerts/{id}/transitions',
      url: `/v1/alerts/${A}/transitions`,
      key: keys.analyst,
      payload: { to: 'in_review' },
      status: 200,
    });
    await check({
      method: 'POST',
      path: '/v1/alerts/{id}/transitions',
      url: `/v1/alerts/${A}/transitions`,
      key: keys.analyst,
      payload: { to: 'in_review' },
      status: 409,
    });
    await check({
      method: 'POST',
      path: '/v1/alerts/{id}/transitions',
      url: `/v1/alerts/${A}/transitions`,
      key: keys.viewer,
      payload: { to: 'confirmed' },
      status: 403,
    });
    await check({
      method: 'POST',
      path: '/v1/alerts/{id}/transitions',
      url: `/v1/alerts/${A}/transitions`,
      key: keys.analyst,
      payload: { to: 'sideways' },
      status: 400,
    });
    await check({
      method: 'POST',
      path: '/v1/alerts/{id}/assignment',
      url: `/v1/alerts/${A}/assignment`,
      key: keys.analyst,
      payload: {},
      status: 200,
    });
    await check({
      method: 'POST',
      path: '/v1/alerts/{id}/assignment',
      url: `/v1/alerts/${A}/assignment`,
      key: keys.analyst,
      payload: { assignee: null },
      status: 200,
    });
    await check({
      method: 'POST',
      path: '/v1/alerts/{id}/assignment',
      url: '/v1/alerts/424242/assignment',
      key: keys.analyst,
      payload: {},
      status: 404,
    });
    await check({
      method: 'POST',
      path: '/v1/alerts/{id}/notes',
      url: `/v1/alerts/${A}/notes`,
      key: keys.analyst,
      payload: { note: 'looked at it' },
      status: 201,
    });
    await check({
      method: 'POST',
      path: '/v1/alerts/{id}/notes',
      url: `/v1/alerts/${A}/notes`,
      key: keys.analyst,
      payload: { note: '' },
      status: 400,
    });
    await check({
      method: 'PUT',
      path: '/v1/alerts/{id}/members/{platform}/{account}/decision',
      url: `/v1/alerts/${A}/members/x/a0_0/decision`,
      key: keys.analyst,
      payload: { decision: 'coordinated' },
      status: 200,
    });
    await check({
      method: 'PUT',
      path: '/v1/alerts/{id}/members/{platform}/{account}/decision',
      url: `/v1/alerts/${A}/members/x/nobody/decision`,
      key: keys.analyst,
      payload: { decision: 'coordinated' },
      status: 404,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/{id}/export.json',
      url: `/v1/alerts/${A}/export.json`,
      status: 200,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/{id}/export.json',
      url: '/v1/alerts/424242/export.json',
      status: 404,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/{id}/export.stix.json',
      url: `/v1/alerts/${A}/export.stix.json`,
      status: 200,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/{id}/export.stix.json',
      url: '/v1/alerts/424242/export.stix.json',
      status: 404,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/{id}/members.csv',
      url: `/v1/alerts/${otherAlertId}/members.csv`,
      status: 200,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/{id}/members.csv',
      url: '/v1/alerts/424242/members.csv',
      status: 404,
    });
    await check({
      method: 'GET',
      path: '/v1/alerts/{id}/network.graphml',
      url: `/v1/alerts/${A}/network.graphml`,
      status: 200,
    });

    // accounts and posts
    await check({
      method: 'GET',
      path: '/v1/accounts/{platform}/{account}',
      url: '/v1/accounts/x/a0_0',
      status: 200,
    });
    await check({
      method: 'GET',
      path: '/v1/accounts/{platform}/{account}',
      url: '/v1/accounts/x/nobody',
      status: 404,
    });
    let pc: string | null = null;
    let postPages = 0;
    do {
      const page = (await check({
        method: 'GET',
        path: '/v1/posts',
        url: `/v1/posts?limit=1${pc ? `&cursor=${pc}` : ''}`,
        status: 200,
      })) as { next_cursor: string | null };
      pc = page.next_cursor;
      postPages++;
    } while (pc && postPages < 50);
    expect(postPages).toBeGreaterThan(1);
    await check({
      method: 'GET',
      path: '/v1/posts',
      url: '/v1/posts?hashtag=vote&from=2024-10-01T00:00:00Z&to=2024-10-02T00:00:00Z',
      status: 200,
    });
    await check({ method: 'GET', path: '/v1/posts', url: '/v1/posts?from=yesterday', status: 400 });

    // scans and batches
    await check({
      method: 'POST',
      path: '/v1/scans',
      url: '/v1/scans',
      key: keys.lead,
      payload: { from: '2024-10-01T00:00:00Z', to: '2024-10-01T12:00:00Z' },
      status: 202,
    });
    await check({
      method: 'POST',
      path: '/v1/scans',
      url: '/v1/scans',
      key: keys.analyst,
      payload: {},
      status: 403,
    });
    await check({
      method: 'POST',
      path: '/v1/scans',
      url: '/v1/scans',
      key: keys.lead,
      payload: { from: '2024-10-02T00:00:00Z', to: '2024-10-01T00:00:00Z' },
      status: 400,
    });
    for (let i = 0; i < 100; i++) {
      const items = (
        (
          await app.inject({ method: 'GET', url: '/v1/scans', headers: auth(keys.viewer) })
        ).json() as { items: { status: string }[] }
      ).items;
      if (items.some((s) => s.status !== 'running')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await check({ method: 'GET', path: '/v1/scans', url: '/v1/scans', status: 200 });
    await check({ method: 'GET', path: '/v1/scans', url: '/v1/scans?kind=weekly', status: 400 });
    await check({ method: 'GET', path: '/v1/batches', url: '/v1/batches', status: 200 });
    await check({
      method: 'GET',
      path: '/v1/batches/{id}',
      url: `/v1/batches/${batchId}`,
      status: 200,
    });
    await check({
      method: 'GET',
      path: '/v1/batches/{id}',
      url: '/v1/batches/424242',
      status: 404,
    });
    const rej = (await check({
      method: 'GET',
      path: '/v1/batches/{id}/rejected',
      url: `/v1/batches/${batchId}/rejected`,
      status: 200,
    })) as { total: number };
    expect(rej.total).toBeGreaterThan(0);
    await check({
      method: 'GET',
      path: '/v1/batches/{id}/rejected',
      url: `/v1/batches/${batchId}/rejected?offset=1e400`,
      status: 400,
    });

    // rate limit answers are documented too
    const small = await buildApi({
      config: testConfig({ rateLimit: 1 }),
      db,
      queues,
      log: nullLogger,
    });
    try {
      await small.inject({ method: 'GET', url: '/v1/me', headers: auth(keys.viewer) });
      const r = await small.inject({ method: 'GET', url: '/v1/me', headers: auth(keys.viewer) });
      expect(r.statusCode).toBe(429);
      const v = ajv.compile(
        rebase(
          doc.paths['/v1/me']!.get!.responses['429']!.content!['application/json']!.schema,
        ) as object,
      );
      expect(v(r.json())).toBe(true);
    } finally {
      await small.close();
    }

    // every operation of the document was called
    const documented = Object.entries(doc.paths).flatMap(([p, m]) =>
      Object.keys(m).map((verb) => `${verb.toUpperCase()} ${p}`),
    );
    expect(documented.filter((op) => !called.has(op))).toEqual([]);
  });
});
