import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.ts';
import { openApiQueues } from '../../src/app/api-queues.ts';
import type { ApiQueues } from '../../src/api/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { nullLogger } from '../../src/logger.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { CONSOLE_ORIGIN, consoleLogin, FORMULA_HANDLE, HOSTILE_HANDLE, HOSTILE_TEXT, seedAlert, seedKeys, testConfig } from './api-seed.ts';
import type { SeedAlert, SeededKeys } from './api-seed.ts';

let tdb: TestDatabase;
let db: Db;
let queues: ApiQueues;
let app: FastifyInstance;
let keys: SeededKeys;
const ids: number[] = [];

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function get(url: string, key: string | null = null) {
  return app.inject({ method: 'GET', url, headers: key ? auth(key) : {} });
}
async function post(url: string, key: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') {
  return app.inject({ method, url, headers: auth(key), payload: payload as object });
}
const events = (alertId: number) => db.kysely.selectFrom('alert_events').selectAll().where('alert_id', '=', alertId).orderBy('id').execute();

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  keys = await seedKeys(db.kysely);
  const specs = [
    { score: 91, severity: 'critical', narrative: 'election-fraud', handles: ['fo29904619', 'bo11122233', 'zed'], at: 0 },
    { score: 72, severity: 'high', narrative: 'ukraine-aid', handles: [HOSTILE_HANDLE, 'alice_w', 'bob_k'], at: 60, assignee: 'ana-analyst' },
    { score: 72, severity: 'high', handles: ['carol1', 'dave2'], at: 120, platform: 'bsky' },
    { score: 55, severity: 'medium', narrative: 'election-fraud', handles: ['erin3', 'frank4', FORMULA_HANDLE], at: 180 },
    { score: 40, severity: 'low', handles: ['gina5', 'hank6'], at: 240, status: 'dismissed' },
    { score: 83, severity: 'high', handles: ['ivan7', 'judy8'], at: 300, status: 'in_review', assignee: 'lee-lead' },
    { score: 65, severity: 'medium', handles: ['kim9', 'leo10'], at: 360 },
  ] satisfies SeedAlert[];
  for (let i = 0; i < specs.length; i++) ids.push(await seedAlert(db.kysely, specs[i]!, i));
  const config = testConfig({ bodyLimit: 2048, ingestBodyLimit: 8192 });
  queues = await openApiQueues(config, db, nullLogger);
  app = await buildApi({ config, db, queues, log: nullLogger });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await queues?.close();
  await db?.close();
  await tdb?.drop();
});

describe('health and docs', () => {
  it('answers /healthz, /readyz and /metrics without a key', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ postgres: 'ok' });
    await get('/v1/alerts', keys.viewer);
    const m = await get('/metrics');
    expect(m.statusCode).toBe(200);
    expect(m.body).toContain('coordwatch_http_request_duration_seconds_bucket{');
    expect(m.body).toContain('route="/v1/alerts"');
  });

  it('serves the OpenAPI document with every /v1 route', async () => {
    const r = await get('/docs/json');
    expect(r.statusCode).toBe(200);
    const paths = Object.keys(r.json().paths);
    for (const p of ['/v1/alerts', '/v1/alerts/{id}', '/v1/alerts/{id}/transitions', '/v1/posts', '/v1/scans', '/v1/batches/{id}/rejected', '/v1/accounts/{platform}/{account}']) {
      expect(paths).toContain(p);
    }
    expect((await get('/docs')).statusCode).toBeLessThan(400);
  });
});

describe('access', () => {
  it('refuses a missing, unknown or revoked key with 401 and a stable code', async () => {
    for (const k of [null, 'cw_nope', keys.revoked]) {
      const r = await get('/v1/alerts', k);
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('unauthenticated');
    }
    const malformed = await app.inject({ method: 'GET', url: '/v1/alerts', headers: { authorization: 'Basic abc' } });
    expect(malformed.statusCode).toBe(401);
  });

  it('checks the role of every route (403)', async () => {
    expect((await get('/v1/alerts', keys.ingest)).statusCode).toBe(403);
    const r = await post(`/v1/alerts/${ids[0]}/transitions`, keys.viewer, { to: 'in_review' });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('forbidden');
    expect((await post(`/v1/alerts/${ids[0]}/notes`, keys.viewer, { note: 'x' })).statusCode).toBe(403);
    expect((await post('/v1/scans', keys.analyst, {})).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/v1/posts', headers: { ...auth(keys.analyst), 'content-type': 'application/x-ndjson' }, payload: '{}' })).statusCode).toBe(403);
    expect((await get('/admin/queues', keys.lead)).statusCode).toBe(403);
    // embedded: no queues to show, but only an admin learns that
    const adm = await get('/admin/queues', keys.admin);
    expect(adm.statusCode).toBe(404);
    expect(adm.json().error.code).toBe('no_queues');
  });

  it('accepts X-API-Key and says who the key is', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/me', headers: { 'x-api-key': keys.lead } });
    expect(r.json()).toMatchObject({ name: 'lee-lead', role: 'lead' });
  });

  it('needs the session\'s CSRF token (and this origin) for console (cookie) writes', async () => {
    const s = await consoleLogin(app, keys.analyst);
    const cookie = s.cookie;
    const no = await app.inject({ method: 'POST', url: `/v1/alerts/${ids[6]}/notes`, headers: { cookie, origin: CONSOLE_ORIGIN }, payload: { note: 'hi' } });
    expect(no.statusCode).toBe(403);
    expect(no.json().error.code).toBe('csrf');
    // the old constant header is no token
    const one = await app.inject({ method: 'POST', url: `/v1/alerts/${ids[6]}/notes`, headers: { cookie, origin: CONSOLE_ORIGIN, 'x-coordwatch-csrf': '1' }, payload: { note: 'hi' } });
    expect(one.statusCode).toBe(403);
    const yes = await app.inject({ method: 'POST', url: `/v1/alerts/${ids[6]}/notes`, headers: { cookie, origin: CONSOLE_ORIGIN, 'x-coordwatch-csrf': s.csrf }, payload: { note: 'hi' } });
    expect(yes.statusCode).toBe(201);
  });
});

describe('GET /v1/alerts', () => {
  const list = async (q: string) => {
    const r = await get(`/v1/alerts${q}`, keys.viewer);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { items: { id: number; score: number; status: string }[]; next_cursor: string | null };
  };

  it('sorts by score, highest first, ties by id', async () => {
    const { items } = await list('');
    expect(items.map((a) => a.score)).toEqual([91, 83, 72, 72, 65, 55, 40]);
    expect(items[2]!.id).toBeLessThan(items[3]!.id);
  });

  it('filters by status, severity, score range, narrative, platform, assignee, time and member handle', async () => {
    expect((await list('?status=dismissed')).items.map((a) => a.id)).toEqual([ids[4]]);
    expect((await list('?status=open,in_review')).items).toHaveLength(6);
    expect((await list('?severity=high')).items.map((a) => a.id).sort()).toEqual([ids[1], ids[2], ids[5]].sort());
    expect((await list('?min_score=60&max_score=80')).items.map((a) => a.score)).toEqual([72, 72, 65]);
    expect((await list('?narrative=election-fraud')).items.map((a) => a.id)).toEqual([ids[0], ids[3]]);
    expect((await list('?narrative=ukraine')).items.map((a) => a.id)).toEqual([ids[1]]);
    expect((await list('?platform=bsky')).items.map((a) => a.id)).toEqual([ids[2]]);
    expect((await list('?assignee=none')).items).toHaveLength(5);
    expect((await list('?assignee=lee-lead')).items.map((a) => a.id)).toEqual([ids[5]]);
    expect((await list('?from=2024-10-01T04:50:00Z')).items.map((a) => a.id).sort()).toEqual([ids[5], ids[6]].sort());
    expect((await list('?to=2024-10-01T00:30:00Z')).items.map((a) => a.id)).toEqual([ids[0]]);
    expect((await list('?q=ALICE')).items.map((a) => a.id)).toEqual([ids[1]]);
    // LIKE wildcards are literal
    expect((await list('?q=%25')).items).toHaveLength(0);
  });

  it('rejects bad filters with 400', async () => {
    for (const q of ['?status=bogus', '?severity=huge', '?min_score=abc', '?limit=0', '?limit=1000', '?sort=name', '?from=yesterday', '?min_score=9&max_score=1', '?extra=1']) {
      const r = await get(`/v1/alerts${q}`, keys.viewer);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.code).toBe('invalid_request');
    }
  });

  it('pages with a cursor: every alert once, in order, for each sort', async () => {
    for (const sort of ['-score', 'score', '-last_seen', 'created', 'id']) {
      const all = (await list(`?sort=${sort}&limit=200`)).items.map((a) => a.id);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(`?sort=${sort}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        seen.push(...page.items.map((a) => a.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen, sort).toEqual(all);
      expect(new Set(seen).size).toBe(ids.length);
    }
    const bad = await get('/v1/alerts?cursor=bm9wZQ', keys.viewer);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_cursor');
  });

  it('counts alerts per status under the other filters', async () => {
    const r = await get('/v1/alerts/counts?severity=high,low', keys.viewer);
    expect(r.json().counts).toEqual({ open: 2, in_review: 1, confirmed: 0, dismissed: 1, escalated: 0 });
  });
});

describe('GET /v1/alerts/:id', () => {
  it('returns members with profiles, evidence with its posts, score parts, timeline and events', async () => {
    const r = await get(`/v1/alerts/${ids[1]}`, keys.viewer);
    expect(r.statusCode).toBe(200);
    const d = r.json();
    expect(d.alert.id).toBe(ids[1]);
    expect(d.alert.score_parts).toHaveLength(2);
    expect(d.members.map((m: { handle: string }) => m.handle)).toContain(HOSTILE_HANDLE);
    const text = d.evidence.find((e: { kind: string }) => e.kind === 'text');
    expect(text.posts).toHaveLength(2);
    expect(text.posts[0].text).toBe('The election is rigged, share before they delete it 1');
    expect(d.timeline).toHaveLength(9);
    expect(d.events[0]).toMatchObject({ action: 'opened', actor: 'system' });
    expect(d.allowed_transitions).toEqual([]);
    const asAnalyst = (await get(`/v1/alerts/${ids[1]}`, keys.analyst)).json();
    expect(asAnalyst.allowed_transitions).toEqual(['in_review', 'confirmed', 'dismissed', 'escalated']);
  });

  it('404s an unknown alert and 400s a bad id', async () => {
    expect((await get('/v1/alerts/999999', keys.viewer)).json().error.code).toBe('not_found');
    expect((await get('/v1/alerts/abc', keys.viewer)).statusCode).toBe(400);
  });

  it('serves the network', async () => {
    const g = (await get(`/v1/alerts/${ids[0]}/graph`, keys.viewer)).json();
    expect(g.nodes).toHaveLength(3);
    expect(g.source).toBe('stored');
    // the three members' stored co_link edges: a triangle, drawn as the detector weighed them
    expect(g.edges).toHaveLength(3);
    expect(g.edges.every((e: { kinds: string[]; weight: number }) => e.kinds.join() === 'co_link' && e.weight === 2)).toBe(true);
  });
});

describe('review writes', () => {
  it('moves open → in_review → confirmed, writing audit rows with the key name and a watchlist', async () => {
    const id = ids[0]!;
    const a = await post(`/v1/alerts/${id}/transitions`, keys.analyst, { to: 'in_review' });
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json().alert.status).toBe('in_review');
    const b = await post(`/v1/alerts/${id}/transitions`, keys.analyst, { to: 'confirmed', note: 'same script, same minute' });
    expect(b.json().alert.status).toBe('confirmed');
    const ev = (await events(id)).filter((e) => e.action === 'status');
    expect(ev.map((e) => [e.actor, e.from_value, e.to_value, e.note])).toEqual([
      ['ana-analyst', 'open', 'in_review', null],
      ['ana-analyst', 'in_review', 'confirmed', 'same script, same minute'],
    ]);
    const wl = await db.kysely.selectFrom('watchlist').select('account_key').where('alert_id', '=', id).execute();
    expect(wl).toHaveLength(3);
  });

  it('refuses illegal moves with 409 and changes nothing', async () => {
    const id = ids[0]!; // confirmed
    const before = (await events(id)).length;
    const r = await post(`/v1/alerts/${id}/transitions`, keys.lead, { to: 'escalated', note: 'x' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'illegal_transition', details: { from: 'confirmed', to: 'escalated' } });
    expect((await events(id)).length).toBe(before);
    const bad = await post(`/v1/alerts/${id}/transitions`, keys.lead, { to: 'deleted' });
    expect(bad.statusCode).toBe(400);
  });

  it('needs a note to dismiss or escalate', async () => {
    const id = ids[6]!;
    for (const to of ['dismissed', 'escalated']) {
      const r = await post(`/v1/alerts/${id}/transitions`, keys.analyst, { to, note: '   ' });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('note_required');
    }
    const ok = await post(`/v1/alerts/${id}/transitions`, keys.analyst, { to: 'dismissed', note: 'fan accounts of one band' });
    expect(ok.statusCode).toBe(200);
    const sup = await db.kysely.selectFrom('suppressions').selectAll().where('alert_id', '=', id).execute();
    expect(sup).toHaveLength(1);
  });

  it('lets only a lead undo a decision or reopen', async () => {
    const id = ids[6]!; // dismissed
    const r = await post(`/v1/alerts/${id}/transitions`, keys.analyst, { to: 'open' });
    expect(r.statusCode).toBe(403);
    const ok = await post(`/v1/alerts/${id}/transitions`, keys.lead, { to: 'open', note: 'new members since' });
    expect(ok.statusCode).toBe(200);
    const last = (await events(id)).at(-1)!;
    expect(last).toMatchObject({ actor: 'lee-lead', action: 'status', from_value: 'dismissed', to_value: 'open' });
    const sup = await db.kysely.selectFrom('suppressions').select('lifted_at').where('alert_id', '=', id).executeTakeFirstOrThrow();
    expect(sup.lifted_at).not.toBeNull();
  });

  it('assigns (to yourself by default, or unassigns) with an event', async () => {
    const id = ids[3]!;
    const r = await post(`/v1/alerts/${id}/assignment`, keys.analyst, {});
    expect(r.json()).toEqual({ alert_id: id, assignee: 'ana-analyst' });
    await post(`/v1/alerts/${id}/assignment`, keys.lead, { assignee: null });
    const ev = (await events(id)).filter((e) => e.action === 'assigned');
    expect(ev.map((e) => [e.actor, e.from_value, e.to_value])).toEqual([
      ['ana-analyst', null, 'ana-analyst'],
      ['lee-lead', 'ana-analyst', null],
    ]);
    expect((await post('/v1/alerts/999999/assignment', keys.analyst, {})).statusCode).toBe(404);
  });

  it('adds notes', async () => {
    const id = ids[3]!;
    const r = await post(`/v1/alerts/${id}/notes`, keys.analyst, { note: `looked at ${HOSTILE_TEXT}` });
    expect(r.statusCode).toBe(201);
    expect((await events(id)).at(-1)).toMatchObject({ action: 'note', actor: 'ana-analyst', note: `looked at ${HOSTILE_TEXT}` });
    expect((await post(`/v1/alerts/${id}/notes`, keys.analyst, { note: '' })).statusCode).toBe(400);
    expect((await post(`/v1/alerts/999999/notes`, keys.analyst, { note: 'x' })).statusCode).toBe(404);
  });

  it('records a decision per member', async () => {
    const id = ids[3]!;
    const url = `/v1/alerts/${id}/members/x/a3_1/decision`;
    expect((await post(url, keys.analyst, { decision: 'bystander', note: 'a real fan' }, 'PUT')).statusCode).toBe(200);
    expect((await post(url, keys.analyst, { decision: 'coordinated' }, 'PUT')).statusCode).toBe(200);
    const d = await db.kysely.selectFrom('alert_member_decisions').selectAll().where('alert_id', '=', id).execute();
    expect(d).toEqual([expect.objectContaining({ account_key: 'x:a3_1', decision: 'coordinated', actor: 'ana-analyst' })]);
    const ev = (await events(id)).filter((e) => (e.action as string) === 'member');
    expect(ev.map((e) => [e.from_value, e.to_value])).toEqual([
      [null, 'bystander'],
      ['bystander', 'coordinated'],
    ]);
    expect((await post(`/v1/alerts/${id}/members/x/nobody/decision`, keys.analyst, { decision: 'unsure' }, 'PUT')).statusCode).toBe(404);
    expect((await post(url, keys.analyst, { decision: 'maybe' }, 'PUT')).statusCode).toBe(400);
  });
});

describe('exports', () => {
  it('exports JSON, members CSV (formulas defused) and GraphML (escaped)', async () => {
    const id = ids[3]!;
    const j = await get(`/v1/alerts/${id}/export.json`, keys.viewer);
    expect(j.headers['content-disposition']).toContain(`alert-${id}.json`);
    expect(JSON.parse(j.body).graph.nodes).toHaveLength(3);
    const csv = await get(`/v1/alerts/${id}/members.csv`, keys.viewer);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv.body).not.toMatch(/(^|,)=HYPERLINK/m);
    const gml = await get(`/v1/alerts/${ids[1]}/network.graphml`, keys.viewer);
    expect(gml.body).toContain('&#60;script&#62;');
    expect(gml.body).not.toContain('<script>');
  });
});

describe('accounts, posts, scans, batches', () => {
  it('shows an account with sightings, posts, signals and alerts', async () => {
    const r = await get('/v1/accounts/x/a1_1', keys.viewer);
    expect(r.statusCode).toBe(200);
    const d = r.json();
    expect(d.account.handle).toBe('alice_w');
    expect(d.post_count).toBe(3);
    expect(d.alerts.map((a: { id: number }) => a.id)).toEqual([ids[1]]);
    expect(d.signals.A2.value).toBe(0.9);
    expect((await get('/v1/accounts/x/nobody', keys.viewer)).statusCode).toBe(404);
  });

  it('searches posts with cursor pages', async () => {
    const r = (await get('/v1/posts?q=RIGGED&limit=50', keys.viewer)).json();
    expect(r.items.length).toBeGreaterThan(0);
    for (const p of r.items) expect(p.text.toLowerCase()).toContain('rigged');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { post_id: string }[]; next_cursor: string | null } = (await get(`/v1/posts?account=a0_0&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, keys.viewer)).json();
      seen.push(...page.items.map((p) => p.post_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['p0_0_2', 'p0_0_1', 'p0_0_0']);
    expect((await get('/v1/posts?cursor=zzz', keys.viewer)).statusCode).toBe(400);
  });

  it('ingests NDJSON posted by a producer, with rejected records and their reasons', async () => {
    const good = { platform: 'x', post_id: 'api-1', posted_at: '2024-10-02T00:00:00Z', text: 'hello from the api', account: { id: 'api-acct', handle: 'apiuser' } };
    const body = [JSON.stringify(good), '{not json', JSON.stringify({ ...good, post_id: 'api-2', posted_at: 'yesterday' })].join('\n') + '\n';
    const r = await app.inject({ method: 'POST', url: '/v1/posts', headers: { ...auth(keys.ingest), 'content-type': 'application/x-ndjson' }, payload: body });
    expect(r.statusCode, r.body).toBe(200);
    const b = r.json().batch;
    expect(b).toMatchObject({ status: 'completed', accepted: 1, rejected: 2, source: 'api:ingest-bot' });
    const posted = await db.kysely.selectFrom('posts').select('text').where('post_id', '=', 'api-1').executeTakeFirst();
    expect(posted?.text).toBe('hello from the api');

    const list = (await get('/v1/batches', keys.viewer)).json();
    expect(list.items[0].id).toBe(b.id);
    expect((await get(`/v1/batches/${b.id}`, keys.viewer)).json().batch.accepted).toBe(1);
    const rej = (await get(`/v1/batches/${b.id}/rejected`, keys.viewer)).json();
    expect(rej.total).toBe(2);
    expect(rej.items.map((x: { reason: string }) => x.reason).join(' | ')).toMatch(/invalid JSON.*\|.*posted_at/);
    expect((await get('/v1/batches/999999', keys.viewer)).statusCode).toBe(404);
  });

  it('enforces the body limits: 413 for JSON and for ingest', async () => {
    const big = await post(`/v1/alerts/${ids[5]}/notes`, keys.analyst, { note: 'x'.repeat(3000) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('body_too_large');
    const huge = await app.inject({ method: 'POST', url: '/v1/posts', headers: { ...auth(keys.ingest), 'content-type': 'application/x-ndjson' }, payload: 'x'.repeat(9000) });
    expect(huge.statusCode).toBe(413);
  });

  it('answers malformed JSON and wrong content types with a code, never a stack trace', async () => {
    const r = await app.inject({ method: 'POST', url: `/v1/alerts/${ids[5]}/notes`, headers: { ...auth(keys.analyst), 'content-type': 'application/json' }, payload: '{"note": "unterminated' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: { code: 'malformed_json', message: 'the request body is not valid JSON' } });
    const t = await app.inject({ method: 'POST', url: `/v1/alerts/${ids[5]}/notes`, headers: { ...auth(keys.analyst), 'content-type': 'application/xml' }, payload: '<note/>' });
    expect(t.statusCode).toBe(415);
    expect(t.json().error.code).toBe('unsupported_media_type');
    const nf = await get('/v1/nothing', keys.viewer);
    expect(nf.json().error.code).toBe('not_found');
  });

  it('lists scans and lets a lead trigger one', async () => {
    const r = await post('/v1/scans', keys.lead, { from: '2024-10-01T00:00:00Z', to: '2024-10-01T08:00:00Z' });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toMatchObject({ mode: 'inline', kind: 'manual' });
    expect((await post('/v1/scans', keys.lead, { from: '2024-10-02T00:00:00Z', to: '2024-10-01T00:00:00Z' })).statusCode).toBe(400);
    let scans: { status: string; kind: string }[] = [];
    for (let i = 0; i < 100 && !scans.some((s) => s.status === 'completed'); i++) {
      await new Promise((res) => setTimeout(res, 100));
      scans = (await get('/v1/scans', keys.viewer)).json().items;
    }
    expect(scans[0]).toMatchObject({ kind: 'manual', status: 'completed' });
  });
});

describe('console pages (server side)', () => {
  let viewerCookie = '';
  const cookie = () => viewerCookie;
  const form = { 'content-type': 'application/x-www-form-urlencoded', origin: CONSOLE_ORIGIN };
  beforeAll(async () => {
    viewerCookie = (await consoleLogin(app, keys.viewer)).cookie;
  });

  it('sends a visitor without a key to the login page, and logs in with a form', async () => {
    const r = await get('/console/alerts');
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/login?next=%2Fconsole%2Falerts');
    const bad = await app.inject({ method: 'POST', url: '/login', headers: form, payload: 'key=cw_wrong' });
    expect(bad.statusCode).toBe(401);
    const ok = await app.inject({ method: 'POST', url: '/login?next=%2Fconsole%2Falerts%2F1', headers: form, payload: `key=${encodeURIComponent(keys.viewer)}` });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/console/alerts/1');
    // an opaque session id, never the key
    expect(String(ok.headers['set-cookie'])).toMatch(/^cw_session=cws_[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict/);
    expect(String(ok.headers['set-cookie'])).not.toContain(keys.viewer);
    const evil = await app.inject({ method: 'POST', url: '/login?next=https%3A%2F%2Fevil.example', headers: form, payload: `key=${encodeURIComponent(keys.viewer)}` });
    expect(evil.headers.location).toBe('/console/alerts');
  });

  it('renders the queue, an alert, an account and batches with a strict CSP and hostile text escaped', async () => {
    for (const url of ['/console/alerts', '/console/alerts?severity=high&q=alice', `/console/alerts/${ids[1]}`, '/console/accounts/x/a1_0', '/console/batches', '/console/batches/1']) {
      const r = await app.inject({ method: 'GET', url, headers: { cookie: cookie() } });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      expect(r.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(r.body).not.toContain('<script>alert');
      expect(r.body).not.toContain('<img src=x');
      // the only script is the console's file
      expect(r.body.match(/<script/g)).toEqual(['<script']);
      expect(r.body).toContain('<script src="/static/console.js" defer></script>');
    }
    const page = await app.inject({ method: 'GET', url: `/console/alerts/${ids[1]}`, headers: { cookie: cookie() } });
    expect(page.body).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(page.body).toContain('rel="noopener noreferrer nofollow"');
    const even = await app.inject({ method: 'GET', url: `/console/alerts/${ids[3]}`, headers: { cookie: cookie() } });
    expect(even.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect((await app.inject({ method: 'GET', url: '/console/alerts/424242', headers: { cookie: cookie() } })).statusCode).toBe(404);
    const ingestCookie = (await consoleLogin(app, keys.ingest)).cookie;
    expect((await app.inject({ method: 'GET', url: '/console/alerts', headers: { cookie: ingestCookie } })).statusCode).toBe(403);
  });
});

describe('limits and failures', () => {
  it('rate-limits per key with 429 and a code', async () => {
    const config = testConfig({ rateLimit: 3 });
    const small = await buildApi({ config, db, queues, log: nullLogger });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await small.inject({ method: 'GET', url: '/v1/me', headers: auth(keys.viewer) })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const r = await small.inject({ method: 'GET', url: '/v1/me', headers: auth(keys.viewer) });
      expect(r.json().error.code).toBe('rate_limited');
      // another key has its own budget
      expect((await small.inject({ method: 'GET', url: '/v1/me', headers: auth(keys.lead) })).statusCode).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('hides database errors: 500 with a code and a request id, no SQL or stack', async () => {
    await sql`drop table alert_member_decisions`.execute(db.kysely);
    const r = await get(`/v1/alerts/${ids[2]}`, keys.viewer);
    expect(r.statusCode).toBe(500);
    expect(r.json().error.code).toBe('internal');
    expect(r.body).not.toMatch(/alert_member_decisions|select|relation|at .*\.ts/i);
  });
});
