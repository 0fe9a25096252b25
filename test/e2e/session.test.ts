import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/app.ts';
import { openApiQueues } from '../../src/app/api-queues.ts';
import type { ApiQueues } from '../../src/api/types.ts';
import type { Db } from '../../src/db/connection.ts';
import { apiKeyRepository } from '../../src/db/api-key-repository.ts';
import { nullLogger } from '../../src/logger.ts';
import { createTestDatabase } from '../helpers/services.ts';
import type { TestDatabase } from '../helpers/services.ts';
import { seedAlert, testConfig } from '../integration/api-seed.ts';
import { launch, watch } from './browser.ts';

// The console's login and logout in a real browser: the cookie is an opaque session the page
// script cannot read, a write carries the session's CSRF token, and logout ends the session
// on the server (a copied cookie opens nothing afterwards).

let tdb: TestDatabase;
let db: Db;
let queues: ApiQueues;
let app: FastifyInstance;
let browser: Browser;
let origin: string;
let key: string;
let alertId: number;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  alertId = await seedAlert(db.kysely, { score: 50, severity: 'medium', handles: ['s_one', 's_two'], at: 0 }, 0);
  key = (await apiKeyRepository(db.kysely).create({ name: 'e2e-session', role: 'analyst' })).key;
  const config = testConfig();
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

describe('console session in Chromium', () => {
  it('logs in to an opaque HttpOnly session, writes with its token, and logout ends it server-side', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const w = watch(page, origin);
    await page.goto(`${origin}/console/alerts/${alertId}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=key]', key);
    await Promise.all([page.waitForURL(`${origin}/console/alerts/${alertId}`), page.press('input[name=key]', 'Enter')]);

    const cookies = await ctx.cookies(origin);
    const session = cookies.find((c) => c.name === 'cw_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(session?.value).toMatch(/^cws_/);
    expect(cookies.some((c) => c.value.includes(key))).toBe(false);
    // the page script sees the CSRF token, never the session id
    const visible = String(await page.evaluate('document.cookie'));
    expect(visible).not.toContain('cw_session');
    expect(visible).toContain('cw_csrf=');

    // a write from the page (the script adds the token): assign to me
    const res = await page.evaluate(async (id) => {
      const doc = (globalThis as unknown as { document: { cookie: string } }).document;
      const m = /(?:^|;\s*)cw_csrf=([^;]*)/.exec(doc.cookie);
      const r = await fetch(`/v1/alerts/${id}/assignment`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-coordwatch-csrf': m ? decodeURIComponent(m[1]!) : '' },
        body: '{}',
      });
      return r.status;
    }, alertId);
    expect(res).toBe(200);

    await Promise.all([page.waitForURL(`${origin}/login`), page.click('header form.who button[type=submit]')]);
    expect(w.errors).toEqual([]);

    // the cookie copied before logout is worth nothing now
    const thief = await browser.newContext();
    await thief.addCookies([{ name: 'cw_session', value: session!.value, url: origin }]);
    const p2 = await thief.newPage();
    await p2.goto(`${origin}/console/alerts`);
    expect(new URL(p2.url()).pathname).toBe('/login');
    await thief.close();
    await ctx.close();
  });
});
