import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.ts';
import { openApiQueues } from '../../src/app/api-queues.ts';
import type { ApiQueues } from '../../src/api/types.ts';
import { loadDemoData } from '../../src/cli/commands/demo.ts';
import { apiKeyRepository } from '../../src/db/api-key-repository.ts';
import type { Db } from '../../src/db/connection.ts';
import { nullLogger } from '../../src/logger.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { HOSTILE_HANDLE, HOSTILE_TEXT, seedAlert, testConfig } from '../integration/api-seed.ts';
import { launch, watch } from './browser.ts';
import type { PageWatch } from './browser.ts';

let tdb: TestDatabase;
let db: Db;
let queues: ApiQueues;
let app: FastifyInstance;
let browser: Browser;
let origin: string;
let analystKey: string;
let hostileId: number;
let campaignAlerts: number;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  const config = testConfig();
  // the real pipeline: a planted campaign ingested through the queue processor, then a scan
  const load = await loadDemoData(config, db, nullLogger, []);
  campaignAlerts = load.scan.applied?.opened.length ?? 0;
  hostileId = await seedAlert(db.kysely, { score: 10, severity: 'low', handles: [HOSTILE_HANDLE, 'plain_user'], at: 0 }, 0);
  analystKey = (await apiKeyRepository(db.kysely).create({ name: 'e2e-analyst', role: 'analyst' })).key;
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

async function loggedIn(): Promise<{ ctx: BrowserContext; page: Page; w: PageWatch }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const w = watch(page, origin);
  await page.goto(`${origin}/console/alerts`);
  // sent to the login page; log in with the form
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name=key]', analystKey);
  await Promise.all([page.waitForURL(`${origin}/console/alerts`), page.press('input[name=key]', 'Enter')]);
  return { ctx, page, w };
}

describe('review console in Chromium', () => {
  it('triages end to end: queue → alert → evidence → confirm with the keyboard → the event in its history', async () => {
    expect(campaignAlerts).toBeGreaterThan(0);
    const { ctx, page, w } = await loggedIn();
    try {
      const rows = page.locator('tr.alert-row');
      expect(await rows.count()).toBe(campaignAlerts + 1);
      // sorted by score: the planted campaign's alerts first, the low seeded one last
      await expect.poll(() => page.locator('tr.alert-row.selected').getAttribute('data-id')).not.toBe(String(hostileId));
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      const id = await page.locator('tr.alert-row.selected').getAttribute('data-id');
      await Promise.all([page.waitForURL(`${origin}/console/alerts/${id}`), page.keyboard.press('Enter')]);

      // the evidence: near-same posts side by side, with the verdict and members
      await page.locator('#evidence .pair').first().waitFor();
      expect(await page.locator('#evidence .pair').count()).toBeGreaterThan(0);
      expect((await page.locator('#verdict').textContent())?.length).toBeGreaterThan(20);
      expect(await page.locator('table.members tbody tr').count()).toBeGreaterThan(1);
      await page.locator('#graph[data-ready="1"] svg circle').first().waitFor();

      // confirm with the keyboard; the page reloads with the decision in its history
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('c')]);
      const ev = page.locator('#history tr.event[data-action="status"]');
      await ev.first().waitFor();
      expect(await ev.first().getAttribute('data-to')).toBe('confirmed');
      expect(await ev.first().locator('td').nth(1).textContent()).toBe('e2e-analyst');
      expect(await page.locator('#alert').getAttribute('data-status')).toBe('confirmed');
      const row = await db.kysely.selectFrom('alert_events').selectAll().where('alert_id', '=', Number(id)).where('action', '=', 'status').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ actor: 'e2e-analyst', from_value: 'open', to_value: 'confirmed' });

      expect(w.dialogs).toEqual([]);
      expect(w.errors).toEqual([]);
      expect(w.offsite).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('dismisses from the queue with a note typed in the page’s dialog', async () => {
    const { ctx, page, w } = await loggedIn();
    try {
      const open = page.locator('tr.alert-row[data-status="open"]');
      const id = await open.first().getAttribute('data-id');
      // move the selection onto that row
      const ids = await page.locator('tr.alert-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      for (let i = 0; i < ids.indexOf(id!); i++) await page.keyboard.press('j');
      await page.keyboard.press('d');
      await page.locator('#note-dialog[open]').waitFor();
      await page.fill('#note-text', 'ordinary fans, not a network');
      await page.click('#note-ok');
      await expect.poll(() => page.locator(`tr.alert-row[data-id="${id}"]`).getAttribute('data-status')).toBe('dismissed');
      const row = await db.kysely.selectFrom('alert_events').selectAll().where('alert_id', '=', Number(id)).where('action', '=', 'status').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ actor: 'e2e-analyst', to_value: 'dismissed', note: 'ordinary fans, not a network' });
      expect(w.dialogs).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('shows hostile post text and handles as text and runs nothing', async () => {
    const { ctx, page, w } = await loggedIn();
    try {
      await page.goto(`${origin}/console/alerts/${hostileId}`);
      await page.locator('#graph[data-ready="1"]').waitFor();
      // the post and the handle are on the page, as text
      expect(await page.getByText(HOSTILE_TEXT, { exact: true }).count()).toBeGreaterThan(0);
      expect(await page.locator('table.members').getByText(`@${HOSTILE_HANDLE}`).count()).toBe(1);
      // no element came out of them: no image, one script (the console's own file)
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('script').evaluateAll((els) => els.map((e) => e.getAttribute('src')))).toEqual(['/static/console.js']);
      // the account page carries the hostile bio and name as text too
      await page.goto(`${origin}/console/accounts/x/a0_0`);
      expect(await page.locator('h1').textContent()).toContain(HOSTILE_HANDLE);
      expect(await page.locator('dd.bio').textContent()).toBe(`bio ${HOSTILE_TEXT}`);
      expect(await page.locator('img').count()).toBe(0);
      // a script of ours running alert() would have opened a dialog
      expect(w.dialogs).toEqual([]);
      expect(w.errors).toEqual([]);
      expect(w.offsite).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
