import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.ts';
import { openApiQueues } from '../../src/app/api-queues.ts';
import type { ApiQueues } from '../../src/api/types.ts';
import { apiKeyRepository } from '../../src/db/api-key-repository.ts';
import type { Db } from '../../src/db/connection.ts';
import { nullLogger } from '../../src/logger.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { HOSTILE_TEXT, seedAlert, testConfig } from '../integration/api-seed.ts';
import { launch, watch } from './browser.ts';
import type { PageWatch } from './browser.ts';

/**
 * The analyst's working day in Chromium: post and account search, scans, bulk actions over
 * alerts and members with one note, the filters' real values, counts after keyboard
 * actions, the timeline's and graph's legends and the post behind a timeline mark, and the
 * layout on a 420 px phone. SCREENSHOTS=1 also writes the README's screenshots to docs/.
 */

let tdb: TestDatabase;
let db: Db;
let queues: ApiQueues;
let app: FastifyInstance;
let browser: Browser;
let origin: string;
let analystKey: string;
const ids: number[] = [];
const SHOTS = process.env.SCREENSHOTS === '1' ? path.resolve(import.meta.dirname, '../../docs') : null;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  const config = testConfig();
  const seeds = [
    { score: 91, severity: 'critical' as const, narrative: 'election-fraud', handles: ['patriot_tx_1', 'patriot_tx_2', 'patriot_tx_3', 'patriot_tx_4'], at: 0 },
    { score: 72, severity: 'high' as const, narrative: 'deep-state', handles: ['ny_voter_88', 'ny_voter_89', 'ny_voter_90'], at: 60 },
    { score: 66, severity: 'high' as const, handles: ['bsky_a', 'bsky_b', 'bsky_c'], at: 120, platform: 'bluesky' },
    { score: 55, severity: 'medium' as const, handles: ['fan_1', 'fan_2', 'fan_3'], at: 180 },
    { score: 48, severity: 'medium' as const, handles: ['club_1', 'club_2', 'club_3'], at: 240 },
  ];
  for (const [i, s] of seeds.entries()) ids.push(await seedAlert(db.kysely, s, i + 1));
  // a post with a real X status id: it links to its original
  await db.kysely
    .insertInto('posts')
    .values({ platform: 'x', account_id: 'a1_0', post_id: '780563452345876480', posted_at: new Date('2024-10-01T00:05:00Z'), text: 'Polls closing early in Maricopa, tell everyone', lang: 'en', urls: [], hashtags: ['maricopa'], mentions: [], media_hashes: [], repost_of: null, reply_to: null, batch_id: null })
    .execute();
  await db.kysely
    .insertInto('scan_runs')
    .values({ kind: 'rolling', window_start: new Date('2024-09-30T00:00:00Z'), window_end: new Date('2024-10-01T00:00:00Z'), status: 'completed', detector_version: 'test', stats: JSON.stringify({ posts: 1234, clusters: 5, opened: [1, 2] }), finished_at: new Date(), job_id: null, error: null })
    .execute();
  analystKey = (await apiKeyRepository(db.kysely).create({ name: 'e2e-ana', role: 'analyst' })).key;
  queues = await openApiQueues(config, db, nullLogger);
  app = await buildApi({ config, db, queues, log: nullLogger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await queues?.close();
  await db?.close();
  await tdb?.drop();
});

/** Logged in through the login form: the pages' writes go the real way (session cookie + CSRF token). */
async function loggedIn(width = 1280, height = 900): Promise<{ ctx: BrowserContext; page: Page; w: PageWatch }> {
  const ctx = await browser.newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  const w = watch(page, origin);
  await page.goto(`${origin}/console/alerts`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=key]', analystKey);
  await Promise.all([page.waitForURL(`${origin}/console/alerts`), page.press('input[name=key]', 'Enter')]);
  return { ctx, page, w };
}

const clean = (w: PageWatch) => {
  expect(w.dialogs).toEqual([]);
  expect(w.errors).toEqual([]);
  expect(w.offsite).toEqual([]);
};

describe('the analyst console in Chromium', () => {
  it('searches posts by text and accounts by handle, links to the original, lists scans', async () => {
    const { ctx, page, w } = await loggedIn();
    try {
      await page.click('header.top a[data-nav="posts"]');
      await page.fill('input[name=q]', 'share before they delete');
      await Promise.all([page.waitForURL(/\/console\/posts\?/), page.press('input[name=q]', 'Enter')]);
      const hits = page.locator('#post-results li.post-hit');
      // seeded alerts 1, 3, 5 carry that text on each member's first post
      expect(await hits.count()).toBe(4 + 3 + 3);
      for (const t of await hits.locator('.post-text').allTextContents()) expect(t.toLowerCase()).toContain('share before they delete');
      // each hit names the alerts its account is in
      expect(await hits.first().locator('a.alert-ref').count()).toBeGreaterThan(0);

      // hostile text is found and shown as text
      await page.goto(`${origin}/console/posts?q=${encodeURIComponent('onerror')}`);
      expect(await page.getByText(HOSTILE_TEXT, { exact: true }).count()).toBeGreaterThan(0);
      expect(await page.locator('img').count()).toBe(0);

      // a real status id links to x.com, opened apart; synthetic sample ids link nowhere
      await page.goto(`${origin}/console/posts?hashtag=maricopa`);
      const orig = page.locator('#post-results a.ext');
      expect(await orig.count()).toBe(1);
      expect(await orig.getAttribute('href')).toBe('https://x.com/patriot_tx_1/status/780563452345876480');
      expect(await orig.getAttribute('rel')).toBe('noopener noreferrer nofollow');

      await page.goto(`${origin}/console/accounts?q=ny_voter`);
      expect(await page.locator('#account-results tr.account-hit').count()).toBe(3);
      await page.selectOption('select[name=platform]', 'bluesky');
      await page.fill('input[name=q]', '');
      await Promise.all([page.waitForURL(/platform=bluesky/), page.click('form.search button[type=submit]')]);
      expect(await page.locator('#account-results tr.account-hit').count()).toBe(3);

      await page.click('header.top a[data-nav="scans"]');
      const scan = page.locator('#scans tr.scan-row');
      expect(await scan.count()).toBe(1);
      expect(await scan.first().textContent()).toContain('1,234 posts');
      clean(w);
    } finally {
      await ctx.close();
    }
  });

  it('offers the real narratives and platforms as filters', async () => {
    const { ctx, page, w } = await loggedIn();
    try {
      const narr = page.locator('select[name=narrative]');
      await narr.waitFor();
      expect(await narr.locator('option').allTextContents()).toEqual(['any narrative', 'deep state', 'election fraud']);
      expect(await page.locator('select[name=platform] option').allTextContents()).toEqual(['any platform', 'bluesky', 'x']);
      await narr.selectOption('election-fraud');
      await Promise.all([page.waitForURL(/narrative=election-fraud/), page.click('form.filters button[type=submit]')]);
      expect(await page.locator('tr.alert-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual([String(ids[0])]);
      // the select keeps the chosen value after the reload
      expect(await page.locator('select[name=narrative]').inputValue()).toBe('election-fraud');
      clean(w);
    } finally {
      await ctx.close();
    }
  });

  it('moves selected alerts with one note, and the tab counts follow bulk and keyboard actions', async () => {
    const { ctx, page, w } = await loggedIn();
    try {
      const count = (s: string) => page.locator(`.tabs a[data-status="${s}"] .n`).textContent();
      expect(await count('open')).toBe('5');
      await page.check(`input.pick-alert[value="${ids[3]}"]`);
      await page.check(`input.pick-alert[value="${ids[4]}"]`);
      expect(await page.locator('#bulk-count').textContent()).toBe('2 alerts selected');
      await page.click('#bulk [data-bulk="dismissed"]');
      await page.locator('#note-dialog[open]').waitFor();
      await page.fill('#note-text', 'two fan clubs, not a network');
      await page.click('#note-ok');
      await expect.poll(() => count('dismissed')).toBe('2');
      expect(await count('open')).toBe('3');
      expect(await page.locator(`tr.alert-row[data-id="${ids[3]}"]`).getAttribute('data-status')).toBe('dismissed');
      const events = await db.kysely.selectFrom('alert_events').select(['alert_id', 'actor', 'to_value', 'note']).where('action', '=', 'status').orderBy('alert_id').execute();
      expect(events).toEqual([
        { alert_id: ids[3], actor: 'e2e-ana', to_value: 'dismissed', note: 'two fan clubs, not a network' },
        { alert_id: ids[4], actor: 'e2e-ana', to_value: 'dismissed', note: 'two fan clubs, not a network' },
      ]);

      // a keyboard action: r starts a review of the selected (first) row; counts refresh without a reload
      await page.locator('tr.alert-row').first().locator('td.why').click();
      await page.keyboard.press('r');
      await expect.poll(() => count('in_review')).toBe('1');
      expect(await count('open')).toBe('2');
      expect(await page.locator('.tabs a[data-status=""] .n').textContent()).toBe('5');
      clean(w);
    } finally {
      await ctx.close();
    }
  });

  it('decides several members at once with one note; the history names each member', async () => {
    const { ctx, page, w } = await loggedIn();
    try {
      await page.goto(`${origin}/console/alerts/${ids[1]}`);
      await page.check('#pick-all-members');
      expect(await page.locator('#member-bulk-count').textContent()).toBe('3 members selected');
      await page.click('#member-bulk [data-bulk-decide="coordinated"]');
      await page.locator('#note-dialog[open]').waitFor();
      await page.fill('#note-text', 'same script, same minute');
      await Promise.all([page.waitForEvent('load'), page.click('#note-ok')]);
      const rows = page.locator('#history tr.event[data-action="member"]');
      expect(await rows.count()).toBe(3);
      const changes = (await rows.locator('td.change').allTextContents()).sort();
      expect(changes).toEqual(['@ny_voter_88: no decision → coordinated', '@ny_voter_89: no decision → coordinated', '@ny_voter_90: no decision → coordinated']);
      // again: nothing changes, so nothing is written
      await page.check('#pick-all-members');
      await page.click('#member-bulk [data-bulk-decide="coordinated"]');
      await expect.poll(() => page.locator('#toast').textContent()).toContain('already coordinated');
      const n = await db.kysely.selectFrom('alert_events').select((eb) => eb.fn.countAll<string>().as('n')).where('alert_id', '=', ids[1]!).where('action', '=', 'member').executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(3);
      clean(w);
    } finally {
      await ctx.close();
    }
  });

  it('explains the timeline and the graph with legends, and a timeline mark shows its post', async () => {
    const { ctx, page, w } = await loggedIn();
    try {
      await page.goto(`${origin}/console/alerts/${ids[0]}`);
      expect(await page.locator('#timeline-legend').textContent()).toMatch(/post.*repost/);
      expect(await page.locator('#graph-legend').textContent()).toMatch(/hub.*core.*peripheral/s);
      await page.locator('#graph[data-ready="1"] svg circle').first().waitFor();
      // nodes by role (the seed has one hub and three core members), edges by kind
      expect(await page.locator('#graph svg circle.role-hub').count()).toBe(1);
      expect(await page.locator('#graph svg circle.role-core').count()).toBe(3);
      const edgeClasses = await page.locator('#graph svg line.edge').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('class')))]);
      // the seed stores co_link edges among the members: each line is drawn in that kind's colour
      expect(edgeClasses).toEqual(['edge kind-co_link']);
      expect(await page.locator('#graph-legend .edge-key.kind-co_link').count()).toBe(1);
      // the axis's last label ends at its tick (not clipped)
      expect(await page.locator('svg.timeline text.tl-axis').last().getAttribute('text-anchor')).toBe('end');

      const mark = page.locator('svg.timeline rect.tl-tick').first();
      const key = await mark.getAttribute('data-post');
      await mark.hover();
      const tip = page.locator('#tl-tip');
      await expect.poll(() => tip.locator('.post-text').count()).toBe(1);
      const text = await tip.locator('.post-text').textContent();
      const stored = await db.kysely.selectFrom('posts').select('text').where('platform', '=', key!.split(':')[0]!).where('post_id', '=', key!.slice(key!.indexOf(':') + 1)).executeTakeFirstOrThrow();
      expect(text).toBe(stored.text);
      // click pins it; the mouse leaving does not hide a pinned post
      await mark.click();
      await page.mouse.move(5, 5);
      expect(await tip.isVisible()).toBe(true);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'alert-page.png'), fullPage: false });
      // the STIX export next to the others: a bundle with the campaign and its members
      const href = await page.locator('#export-stix').getAttribute('href');
      const res = await page.request.get(origin + href);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toContain('application/stix+json');
      const bundle = (await res.json()) as { type: string; objects: { type: string }[] };
      expect(bundle.type).toBe('bundle');
      expect(bundle.objects.filter((o) => o.type === 'campaign')).toHaveLength(1);
      expect(bundle.objects.filter((o) => o.type === 'user-account')).toHaveLength(4);
      clean(w);
    } finally {
      await ctx.close();
    }
  });

  it('fits a 420 px phone: no horizontal scroll, the why column reads as a line, not a word a line', async () => {
    const { ctx, page, w } = await loggedIn(420, 860);
    try {
      const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(await overflow()).toBeLessThanOrEqual(0);
      const why = page.locator('tr.alert-row td.why').first();
      const box = await why.boundingBox();
      // the verdict spans (nearly) the card's width instead of a narrow column
      expect(box!.width).toBeGreaterThan(300);
      if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'queue-phone.png') });
      for (const p of [`/console/alerts/${ids[0]}`, '/console/posts?q=election', '/console/accounts', '/console/scans']) {
        await page.goto(origin + p);
        expect(await overflow(), p).toBeLessThanOrEqual(0);
      }
      clean(w);
    } finally {
      await ctx.close();
    }
  });

  it('answers unknown console pages with a friendly HTML page', async () => {
    const { ctx, page, w } = await loggedIn();
    try {
      const res = await page.goto(`${origin}/console/nothing-here`);
      expect(res!.status()).toBe(404);
      expect(res!.headers()['content-type']).toContain('text/html');
      expect(await page.locator('h1').textContent()).toBe('404');
      expect(await page.locator('a[href="/console/alerts"]').count()).toBeGreaterThan(0);
      clean({ ...w, errors: w.errors.filter((e) => !/404/.test(e)) });
    } finally {
      await ctx.close();
    }
  });

  it.skipIf(!SHOTS)('writes the README screenshots (SCREENSHOTS=1)', async () => {
    const { ctx, page } = await loggedIn(1280, 800);
    try {
      fs.mkdirSync(SHOTS!, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS!, 'queue.png') });
      await page.goto(`${origin}/console/posts?q=${encodeURIComponent('election')}`);
      await page.screenshot({ path: path.join(SHOTS!, 'search.png') });
    } finally {
      await ctx.close();
    }
  });
});
