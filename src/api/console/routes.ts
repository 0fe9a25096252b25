import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiKeyRepository } from '../../db/api-key-repository.ts';
import { ingestRepository } from '../../db/ingest-repository.ts';
import { sessionRepository } from '../../db/session-repository.ts';
import { CursorError, reviewRepository } from '../../db/review-repository.ts';
import { ALERT_STATUSES } from '../../db/schema/index.ts';
import { accountKey } from '../../core/keys.ts';
import { alertQuerySchema, toFilters } from '../alert-filters.ts';
import { loadAlertView } from '../alert-view.ts';
import { allows, COOKIE, CSRF_COOKIE, csrfTokenFor, LEGACY_COOKIE, parseCookies } from '../auth.ts';
import type { Authenticator } from '../auth.ts';
import { text } from '../schemas.ts';
import { ApiError } from '../errors.ts';
import { canTransition } from '../../alerts/review-rules.ts';
import type { ApiDeps } from '../types.ts';
import { errorPage, htmlReply, loginPage, sendErrorPage } from './layout.ts';
import { accountPage } from './pages/account.ts';
import { alertPage } from './pages/alert.ts';
import { batchesPage, batchPage } from './pages/batches.ts';
import { queuePage } from './pages/queue.ts';
import { workRoutes } from './work-routes.ts';

const STATIC_DIR = path.join(import.meta.dirname, 'static');
// a Map, not an object: `/static/__proto__` or `/static/constructor` must be a 404, not a prototype
const STATIC = new Map<string, { type: string; body: Buffer }>([
  [
    'console.js',
    {
      type: 'text/javascript; charset=utf-8',
      body: fs.readFileSync(path.join(STATIC_DIR, 'console.js')),
    },
  ],
  [
    'console.css',
    {
      type: 'text/css; charset=utf-8',
      body: fs.readFileSync(path.join(STATIC_DIR, 'console.css')),
    },
  ],
]);

/** Console pages need a logged-in viewer (or better); without one they send you to the login page. */
export async function consoleGuard(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!req.apiKey) {
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  }
  if (!allows(req.apiKey.role, 'viewer')) {
    return sendErrorPage(reply, req.apiKey, 403, `The key "${req.apiKey.name}" (${req.apiKey.role}) cannot use the console.`);
  }
}


/** Only paths of this console, so a crafted ?next= cannot send the browser elsewhere. */
const safeNext = (v: unknown) =>
  typeof v === 'string' &&
  (/^\/console\/[A-Za-z0-9/_\-?=&%.:,+]*$/.test(v) || v === '/admin/queues') &&
  !v.startsWith('//')
    ? v
    : '/console/alerts';

const nextQuery = z.object({ next: z.string().max(2000).optional() });

export async function consoleRoutes(
  root: FastifyInstance,
  deps: ApiDeps,
  auth: Authenticator,
): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { db, config } = deps;
  const review = reviewRepository(db.kysely);
  const keys = apiKeyRepository(db.kysely);
  const sessions = sessionRepository(db.kysely);

  /** Session cookies: HttpOnly id, script-readable CSRF token, both SameSite=Strict; Secure when the deployment is https. */
  const cookies = (req: FastifyRequest, token: string | null, maxAgeS: number): string[] => {
    const secure = config.api.cookieSecure || req.protocol === 'https' ? '; Secure' : '';
    return [
      `${COOKIE}=${token ?? ''}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure}`,
      `${CSRF_COOKIE}=${token ? csrfTokenFor(token) : ''}; SameSite=Strict; Path=/; Max-Age=${maxAgeS}${secure}`,
      `${LEGACY_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure}`,
    ];
  };

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  app.get(
    '/static/:file',
    { schema: { hide: true, params: z.object({ file: z.string().max(100) }) } },
    async (req, reply) => {
      const f = STATIC.get(req.params.file);
      if (!f) throw new ApiError(404, 'not_found', 'no such file');
      return reply.type(f.type).header('cache-control', 'no-cache').send(f.body);
    },
  );

  // browsers ask for it; answering keeps the console's console clean
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) =>
    reply.status(204).send(),
  );

  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.redirect('/console/alerts', 302),
  );

  app.get('/login', { schema: { hide: true, querystring: nextQuery } }, async (req, reply) => {
    if (req.apiKey) return reply.redirect(safeNext(req.query.next), 303);
    return htmlReply(reply, loginPage(null, safeNext(req.query.next)));
  });

  // the key is exchanged for a new session (never stored in the cookie); the origin check is in auth.ts
  app.post(
    '/login',
    {
      schema: {
        hide: true,
        querystring: nextQuery,
        body: z.object({ key: z.string().max(200).optional() }).default({}),
      },
    },
    async (req, reply) => {
      const key = (req.body.key ?? '').trim();
      if (auth.loginThrottled(req))
        return htmlReply(
          reply,
          loginPage(
            'Too many unknown keys from this address; wait a minute.',
            safeNext(req.query.next),
          ),
          429,
        );
      const info = key ? await keys.verify(key) : null;
      if (!info) {
        if (key) auth.loginFailed(req, key);
        return htmlReply(
          reply,
          loginPage('That key is unknown or revoked.', safeNext(req.query.next)),
          401,
        );
      }
      const s = await sessions.create(info.id, config.api.sessionTtlMs);
      // ended sessions are kept a week (who was logged in when), then dropped; logins are rare enough
      sessions.purge(7 * 86_400_000).catch((err: unknown) => req.log.warn({ err }, 'session purge failed'));
      reply.header('set-cookie', cookies(req, s.token, Math.floor(config.api.sessionTtlMs / 1000)));
      return reply.redirect(safeNext(req.query.next), 303);
    },
  );

  // ends the session server-side: the old cookie opens nothing afterwards
  app.post('/logout', { schema: { hide: true } }, async (req, reply) => {
    const token = parseCookies(req.headers.cookie)[COOKIE];
    if (token) await sessions.revoke(token);
    reply.header('set-cookie', cookies(req, null, 0));
    return reply.redirect('/login', 303);
  });

  app.get(
    '/console/alerts',
    { preHandler: consoleGuard, schema: { hide: true, querystring: alertQuerySchema } },
    async (req, reply) => {
      const { filters, sort, limit, cursor } = toFilters(req.query);
      try {
        const [page, counts] = await Promise.all([
          review.listAlerts(filters, sort, limit, cursor),
          review.countByStatus(filters),
        ]);
        return htmlReply(reply, queuePage(req.apiKey!, req.query, page, counts));
      } catch (err) {
        if (err instanceof CursorError)
          return htmlReply(reply, errorPage(req.apiKey, 400, err.message), 400);
        throw err;
      }
    },
  );

  app.get(
    '/console/alerts/:id',
    {
      preHandler: consoleGuard,
      schema: { hide: true, params: z.object({ id: z.string().max(30) }) },
    },
    async (req, reply) => {
      const id = Number(req.params.id);
      const view = Number.isSafeInteger(id) && id > 0 ? await loadAlertView(db, id) : null;
      if (!view)
        return htmlReply(reply, errorPage(req.apiKey, 404, `No alert ${req.params.id}.`), 404);
      const allowed = ALERT_STATUSES.filter((to) =>
        canTransition(req.apiKey!.role, view.alert.status, to),
      );
      return htmlReply(reply, alertPage(req.apiKey!, view, allowed));
    },
  );

  app.get(
    '/console/accounts/:platform/:account',
    {
      preHandler: consoleGuard,
      schema: { hide: true, params: z.object({ platform: text(50), account: text(300) }) },
    },
    async (req, reply) => {
      const { platform, account } = req.params;
      const profile = await review.account(platform, account);
      if (!profile)
        return htmlReply(
          reply,
          errorPage(req.apiKey, 404, `No account ${platform}:${account}.`),
          404,
        );
      const key = accountKey(platform, account);
      const [sightings, alerts, posts, count] = await Promise.all([
        review.sightings(platform, account),
        review.alertsOfAccount(key),
        review.searchPosts({ platform, accountId: account }, 50, null),
        db.kysely
          .selectFrom('posts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('platform', '=', platform)
          .where('account_id', '=', account)
          .executeTakeFirst(),
      ]);
      return htmlReply(
        reply,
        accountPage(req.apiKey!, {
          account: { ...profile, key },
          post_count: Number(count?.n ?? 0),
          sightings,
          signals: alerts.find((a) => a.signals)?.signals ?? null,
          alerts,
          posts: posts.items,
        }),
      );
    },
  );

  app.get(
    '/console/batches',
    { preHandler: consoleGuard, schema: { hide: true } },
    async (req, reply) => {
      return htmlReply(
        reply,
        batchesPage(req.apiKey!, await ingestRepository(db.kysely).listBatches(100)),
      );
    },
  );

  app.get(
    '/console/batches/:id',
    {
      preHandler: consoleGuard,
      schema: {
        hide: true,
        params: z.object({ id: z.string().max(30) }),
        querystring: z.object({
          offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
        }),
      },
    },
    async (req, reply) => {
      const id = Number(req.params.id);
      const repo = ingestRepository(db.kysely);
      const b = Number.isSafeInteger(id) && id > 0 ? await repo.getBatch(id) : undefined;
      if (!b)
        return htmlReply(reply, errorPage(req.apiKey, 404, `No batch ${req.params.id}.`), 404);
      const offset = req.query.offset;
      const limit = 100;
      const [rejected, total] = await Promise.all([
        repo.rejectedOf(id, limit, offset),
        review.rejectedCount(id),
      ]);
      return htmlReply(reply, batchPage(req.apiKey!, b, rejected, offset, limit, total));
    },
  );

  // post and account search, scan runs, filter values (helper F's pages)
  await workRoutes(root, deps, consoleGuard);
}
