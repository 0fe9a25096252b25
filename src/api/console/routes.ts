import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyRepository } from '../../db/api-key-repository.ts';
import { ingestRepository } from '../../db/ingest-repository.ts';
import { CursorError, reviewRepository } from '../../db/review-repository.ts';
import { ALERT_STATUSES } from '../../db/schema/index.ts';
import { accountKey } from '../../core/keys.ts';
import { alertQuerySchema, toFilters } from '../alert-filters.ts';
import type { AlertQuery } from '../alert-filters.ts';
import { loadAlertView } from '../alert-view.ts';
import { allows, COOKIE } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { canTransition } from '../routes/alerts.ts';
import type { ApiDeps } from '../types.ts';
import { errorPage, loginPage } from './layout.ts';
import { accountPage } from './pages/account.ts';
import { alertPage } from './pages/alert.ts';
import { batchesPage, batchPage } from './pages/batches.ts';
import { queuePage } from './pages/queue.ts';

const STATIC_DIR = path.join(import.meta.dirname, 'static');
const STATIC: Record<string, { type: string; body: Buffer }> = {
  'console.js': { type: 'text/javascript; charset=utf-8', body: fs.readFileSync(path.join(STATIC_DIR, 'console.js')) },
  'console.css': { type: 'text/css; charset=utf-8', body: fs.readFileSync(path.join(STATIC_DIR, 'console.css')) },
};

/** Console pages need a logged-in viewer (or better); without one they send you to the login page. */
async function consoleGuard(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!req.apiKey) {
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  }
  if (!allows(req.apiKey.role, 'viewer')) {
    return reply.status(403).type('text/html; charset=utf-8').send(errorPage(req.apiKey, 403, `The key "${req.apiKey.name}" (${req.apiKey.role}) cannot use the console.`));
  }
}

const htmlReply = (reply: FastifyReply, body: string, status = 200) => reply.status(status).type('text/html; charset=utf-8').send(body);

/** Only paths of this console, so a crafted ?next= cannot send the browser elsewhere. */
const safeNext = (v: unknown) => (typeof v === 'string' && /^\/console\/[A-Za-z0-9/_\-?=&%.:,+]*$/.test(v) && !v.startsWith('//') ? v : '/console/alerts');

export async function consoleRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { db } = deps;
  const review = reviewRepository(db.kysely);
  const keys = apiKeyRepository(db.kysely);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.get('/static/:file', { schema: { hide: true } }, async (req, reply) => {
    const f = STATIC[(req.params as { file: string }).file];
    if (!f) throw new ApiError(404, 'not_found', 'no such file');
    return reply.type(f.type).header('cache-control', 'no-cache').send(f.body);
  });

  // browsers ask for it; answering keeps the console's console clean
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) => reply.status(204).send());

  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/alerts', 302));

  app.get<{ Querystring: { next?: string } }>('/login', { schema: { hide: true } }, async (req, reply) => {
    if (req.apiKey) return reply.redirect(safeNext(req.query.next), 303);
    return htmlReply(reply, loginPage(null, safeNext(req.query.next)));
  });

  app.post<{ Body: { key?: string }; Querystring: { next?: string } }>('/login', { schema: { hide: true } }, async (req, reply) => {
    const key = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
    const info = key ? await keys.verify(key) : null;
    if (!info) return htmlReply(reply, loginPage('That key is unknown or revoked.', safeNext(req.query.next)), 401);
    const secure = req.protocol === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(key)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200${secure}`);
    return reply.redirect(safeNext(req.query.next), 303);
  });

  app.post('/logout', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('set-cookie', `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return reply.redirect('/login', 303);
  });

  app.get<{ Querystring: AlertQuery }>('/console/alerts', { preHandler: consoleGuard, schema: { hide: true, querystring: alertQuerySchema } }, async (req, reply) => {
    const { filters, sort, limit, cursor } = toFilters(req.query);
    try {
      const [page, counts] = await Promise.all([review.listAlerts(filters, sort, limit, cursor), review.countByStatus(filters)]);
      return htmlReply(reply, queuePage(req.apiKey!, req.query, page, counts));
    } catch (err) {
      if (err instanceof CursorError) return htmlReply(reply, errorPage(req.apiKey, 400, err.message), 400);
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/console/alerts/:id', { preHandler: consoleGuard, schema: { hide: true } }, async (req, reply) => {
    const id = Number(req.params.id);
    const view = Number.isSafeInteger(id) && id > 0 ? await loadAlertView(db, id) : null;
    if (!view) return htmlReply(reply, errorPage(req.apiKey, 404, `No alert ${req.params.id}.`), 404);
    const allowed = ALERT_STATUSES.filter((to) => canTransition(req.apiKey!.role, view.alert.status, to));
    return htmlReply(reply, alertPage(req.apiKey!, view, allowed));
  });

  app.get<{ Params: { platform: string; account: string } }>('/console/accounts/:platform/:account', { preHandler: consoleGuard, schema: { hide: true } }, async (req, reply) => {
    const { platform, account } = req.params;
    const profile = await review.account(platform, account);
    if (!profile) return htmlReply(reply, errorPage(req.apiKey, 404, `No account ${platform}:${account}.`), 404);
    const key = accountKey(platform, account);
    const [sightings, alerts, posts, count] = await Promise.all([
      review.sightings(platform, account),
      review.alertsOfAccount(key),
      review.searchPosts({ platform, accountId: account }, 50, null),
      db.kysely.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).where('platform', '=', platform).where('account_id', '=', account).executeTakeFirst(),
    ]);
    return htmlReply(
      reply,
      accountPage(req.apiKey!, { account: { ...profile, key }, post_count: Number(count?.n ?? 0), sightings, signals: alerts.find((a) => a.signals)?.signals ?? null, alerts, posts: posts.items }),
    );
  });

  app.get('/console/batches', { preHandler: consoleGuard, schema: { hide: true } }, async (req, reply) => {
    return htmlReply(reply, batchesPage(req.apiKey!, await ingestRepository(db.kysely).listBatches(100)));
  });

  app.get<{ Params: { id: string }; Querystring: { offset?: string } }>('/console/batches/:id', { preHandler: consoleGuard, schema: { hide: true } }, async (req, reply) => {
    const id = Number(req.params.id);
    const repo = ingestRepository(db.kysely);
    const b = Number.isSafeInteger(id) && id > 0 ? await repo.getBatch(id) : undefined;
    if (!b) return htmlReply(reply, errorPage(req.apiKey, 404, `No batch ${req.params.id}.`), 404);
    const offset = Math.max(0, Math.floor(Number(req.query.offset ?? 0)) || 0);
    const limit = 100;
    const [rejected, total] = await Promise.all([repo.rejectedOf(id, limit, offset), review.rejectedCount(id)]);
    return htmlReply(reply, batchPage(req.apiKey!, b, rejected, offset, limit, total));
  });
}
