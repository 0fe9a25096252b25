// Page-load benchmark of the review console: queue and alert pages with 10,000 alerts in
// Postgres. Server time (HTTP, p50/p95) and browser time (Chromium, to the load event and,
// on the alert page, to the drawn network). `npm run bench:pages` (needs the test Postgres).
process.env.DOTENV_CONFIG_QUIET ??= 'true';
import { sql } from 'kysely';
import { buildApi } from '../src/api/app.ts';
import { openApiQueues } from '../src/app/api-queues.ts';
import { apiKeyRepository } from '../src/db/api-key-repository.ts';
import { nullLogger } from '../src/logger.ts';
import { createTestDatabase } from '../test/helpers/services.ts';
import { launch } from '../test/e2e/browser.ts';
import { consoleLogin, testConfig } from '../test/integration/api-seed.ts';
import { ensurePostPartitions } from '../src/db/ingest-repository.ts';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 10_000);
const MEMBERS = 8;
const POSTS_PER_ACCOUNT = 6;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

const tdb = await createTestDatabase();
const db = await tdb.open();
try {
  const t0 = performance.now();
  const k = db.kysely;
  const accounts = ALERTS * MEMBERS;
  // alerts of every status and severity; members are accounts a{alert}_{i} with posts around the alert
  await sql`insert into accounts (platform, account_id, handle, display_name, bio, created_at, followers, following, location, avatar_hash, first_post_at, last_post_at)
    select 'x', 'a' || g, 'user' || g, 'Name ' || g, 'bio ' || g, timestamptz '2024-09-01', 10, 500, 'Texas, USA', null,
           timestamptz '2024-10-01' + ((g / ${sql.lit(MEMBERS)}) * interval '1 minute'), timestamptz '2024-10-01' + ((g / ${sql.lit(MEMBERS)}) * interval '1 minute') + interval '30 minutes'
    from generate_series(0, ${sql.lit(accounts - 1)}) g`.execute(k);
  await ensurePostPartitions(k, ['2024-10']);
  await sql`insert into posts (platform, post_id, account_id, posted_at, text, lang, urls, hashtags, mentions, media_hashes, repost_of, reply_to, batch_id)
    select 'x', 'p' || g || '_' || j, 'a' || g, timestamptz '2024-10-01' + ((g / ${sql.lit(MEMBERS)}) * interval '1 minute') + (j * interval '5 minutes') + ((g % ${sql.lit(MEMBERS)}) * interval '3 seconds'),
           case when j = 0 then 'The election is rigged, share this before they delete it ' || (g / ${sql.lit(MEMBERS)}) else 'cover post ' || g || ' ' || j end,
           'en', array['https://example.org/' || (g / ${sql.lit(MEMBERS)})], '{}', '{}', '{}', null, null, null
    from generate_series(0, ${sql.lit(accounts - 1)}) g, generate_series(0, ${sql.lit(POSTS_PER_ACCOUNT - 1)}) j`.execute(k);
  await sql`insert into alerts (id, fingerprint, status, score, severity, score_parts, verdict, narratives, kinds, member_count, first_seen_at, last_seen_at, detector_version, assignee)
    overriding system value
    select a, 'fp' || a, (array['open','open','open','in_review','confirmed','dismissed','escalated'])[1 + a % 7],
           round((30 + (a * 7919 % 700) / 10.0)::numeric, 1)::float8,
           case when a % 4 = 0 then 'critical' when a % 4 = 1 then 'high' when a % 4 = 2 then 'medium' else 'low' end,
           '[{"name":"cohesion","value":0.8,"weight":50,"contribution":40,"reason":"most posts shared"},{"name":"tightness","value":0.5,"weight":10,"contribution":5,"reason":"seconds apart"}]'::jsonb,
           ${sql.lit(MEMBERS)} || ' accounts posted the same text seconds apart',
           case when a % 3 = 0 then '[{"id":"election-fraud","title":"Election fraud","posts":3,"share":0.5}]'::jsonb else '[]'::jsonb end,
           '{co_text}', ${sql.lit(MEMBERS)}, timestamptz '2024-10-01' + (a * interval '1 minute'), timestamptz '2024-10-01' + (a * interval '1 minute') + interval '30 minutes', 'bench',
           case when a % 5 = 0 then 'ana' else null end
    from generate_series(1, ${sql.lit(ALERTS)}) a`.execute(k);
  await sql`select setval('alerts_id_seq', ${sql.lit(ALERTS)})`.execute(k);
  await sql`insert into alert_members (alert_id, account_key, platform, account_id, role, cohesion, shared, degree, suspicion, watchlisted, signals)
    select a, 'x:a' || ((a - 1) * ${sql.lit(MEMBERS)} + i), 'x', 'a' || ((a - 1) * ${sql.lit(MEMBERS)} + i), case when i = 0 then 'hub' else 'core' end, 0.8, 3, ${sql.lit(MEMBERS - 1)}, 0.5, false,
           '{"suspicion":0.5,"top":["A2"],"A2":{"value":0.9,"applicable":true,"reason":"default-looking handle"}}'::jsonb
    from generate_series(1, ${sql.lit(ALERTS)}) a, generate_series(0, ${sql.lit(MEMBERS - 1)}) i`.execute(k);
  await sql`insert into alert_evidence (alert_id, kind, key, post_ids, description, data)
    select a, 'text', 'x:p' || ((a - 1) * ${sql.lit(MEMBERS)} + i) || '_0', array['x:p' || ((a - 1) * ${sql.lit(MEMBERS)} + i) || '_0', 'x:p' || ((a - 1) * ${sql.lit(MEMBERS)} + i + 1) || '_0'], 'same text',
           jsonb_build_object('kind', 'same_text', 'dt', 3,
             'a', jsonb_build_object('account', 'x:a' || ((a - 1) * ${sql.lit(MEMBERS)} + i), 'post', 'x:p' || ((a - 1) * ${sql.lit(MEMBERS)} + i) || '_0', 't', 1727740800 + a * 60, 'text', 'The election is rigged, share this before they delete it ' || (a - 1)),
             'b', jsonb_build_object('account', 'x:a' || ((a - 1) * ${sql.lit(MEMBERS)} + i + 1), 'post', 'x:p' || ((a - 1) * ${sql.lit(MEMBERS)} + i + 1) || '_0', 't', 1727740803 + a * 60, 'text', 'The election is rigged, share this now before they delete it ' || (a - 1)))
    from generate_series(1, ${sql.lit(ALERTS)}) a, generate_series(0, 2) i`.execute(k);
  await sql`insert into alert_evidence (alert_id, kind, key, post_ids, description, data)
    select a, 'link', 'https://example.org/' || (a - 1), '{}', 'link', jsonb_build_object('url', 'https://example.org/' || (a - 1), 'members', ${sql.lit(MEMBERS)}, 'sharers', ${sql.lit(MEMBERS)})
    from generate_series(1, ${sql.lit(ALERTS)}) a`.execute(k);
  await sql`insert into alert_events (alert_id, actor, action, from_value, to_value, note, data)
    select a, 'system', 'opened', null, 'open', 'opened', null from generate_series(1, ${sql.lit(ALERTS)}) a`.execute(k);
  await sql`analyze`.execute(k);
  const seeded = performance.now() - t0;

  const config = testConfig({ rateLimit: 1_000_000 });
  const queues = await openApiQueues(config, db, nullLogger);
  const app = await buildApi({ config, db, queues, log: nullLogger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const key = (await apiKeyRepository(db.kysely).create({ name: 'bench', role: 'analyst' })).key;
  const mid = Math.floor(ALERTS / 2);
  // the console authenticates by session (login form), never by the raw key in a cookie
  const session = await consoleLogin(app, key);

  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  const fmt = (x: number) => `${x.toFixed(1)} ms`;
  const rows: string[][] = [['page', 'server p50', 'server p95', 'bytes']];
  async function server(label: string, url: string) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const s = performance.now();
      const r = await fetch(origin + url, { headers: { cookie: session.cookie } });
      const body = await r.text();
      if (r.status !== 200) throw new Error(`${url}: ${r.status} ${body.slice(0, 200)}`);
      if (i >= 3) times.push(performance.now() - s);
      bytes = body.length;
    }
    rows.push([label, fmt(pct(times, 0.5)), fmt(pct(times, 0.95)), String(bytes)]);
  }
  const firstPage = await (await fetch(`${origin}/v1/alerts?limit=50`, { headers: { authorization: `Bearer ${key}` } })).json() as { next_cursor: string };
  await server('queue (default: all, by score)', '/console/alerts');
  await server('queue, status=open&severity=high', '/console/alerts?status=open&severity=high');
  await server('queue, member handle search', '/console/alerts?q=user4242');
  await server('queue, narrative filter', '/console/alerts?narrative=election-fraud');
  await server('queue, page 2 (cursor)', `/console/alerts?cursor=${encodeURIComponent(firstPage.next_cursor)}`);
  await server(`alert page (#${mid})`, `/console/alerts/${mid}`);
  await server('GET /v1/alerts?limit=50', '/v1/alerts?limit=50');
  await server(`GET /v1/alerts/${mid}`, `/v1/alerts/${mid}`);
  await server(`GET /v1/alerts/${mid}/graph`, `/v1/alerts/${mid}/graph`);

  // in the browser: navigation to the load event; the alert page also until its network is drawn
  const browser = await launch();
  const ctx = await browser.newContext();
  await ctx.addCookies([
    { name: 'cw_session', value: session.session, url: origin },
    { name: 'cw_csrf', value: session.csrf, url: origin },
  ]);
  const page = await ctx.newPage();
  const brow: string[][] = [['browser', 'p50', 'p95']];
  async function inBrowser(label: string, url: string, ready?: string) {
    const times: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 15) + 2; i++) {
      const s = performance.now();
      await page.goto(origin + url, { waitUntil: 'load' });
      if (ready) await page.locator(ready).first().waitFor();
      if (i >= 2) times.push(performance.now() - s);
    }
    brow.push([label, fmt(pct(times, 0.5)), fmt(pct(times, 0.95))]);
  }
  await inBrowser('queue page, to load', '/console/alerts');
  await inBrowser('alert page, to load', `/console/alerts/${mid}`);
  await inBrowser('alert page, to network drawn', `/console/alerts/${mid}`, '#graph[data-ready="1"]');
  await browser.close();
  await app.close();
  await queues.close();

  const width = (t: string[][]) => t[0]!.map((_, c) => Math.max(...t.map((r) => r[c]!.length)));
  const print = (t: string[][]) => {
    const w = width(t);
    for (const r of t) console.log(r.map((v, c) => (c === 0 ? v.padEnd(w[c]!) : v.padStart(w[c]!))).join('  '));
  };
  console.log(`${ALERTS.toLocaleString('en')} alerts, ${(ALERTS * MEMBERS).toLocaleString('en')} members, ${(ALERTS * MEMBERS * POSTS_PER_ACCOUNT).toLocaleString('en')} posts (seeded in ${(seeded / 1000).toFixed(1)} s); ${RUNS} runs each\n`);
  print(rows);
  console.log('');
  print(brow);
} finally {
  await db.close();
  await tdb.drop();
}
