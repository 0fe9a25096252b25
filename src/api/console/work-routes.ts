import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { postUrl } from '../../core/platform-links.ts';
import { reviewRepository } from '../../db/review-repository.ts';
import type { ApiDeps } from '../types.ts';
import { errorPage, htmlReply } from './layout.ts';
import { accountsSearchPage, postsSearchPage, scansPage } from './pages/search.ts';
import type { PostSearchQuery } from './pages/search.ts';
import { filterValues, listScans, searchAccounts, searchPosts, SearchCursorError } from './search.ts';

type Guard = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

const PAGE = 50;
const str = (v: unknown, max = 200) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined);
const offsetOf = (v: unknown) => Math.min(1_000_000, Math.max(0, Math.floor(Number(v ?? 0)) || 0));

function dateOf(v: string | undefined, name: string): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new QueryError(`${name}: not a date or time: "${v}" (use ISO, e.g. 2016-09-27T01:30:00Z)`);
  return d;
}

class QueryError extends Error {}

/** The analyst's working pages besides the queue: post search, account search, scan runs. */
export async function workRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): Promise<void> {
  const db = deps.db.kysely;

  app.get<{ Querystring: Record<string, unknown> }>('/console/posts', { preHandler: guard, schema: { hide: true } }, async (req, reply) => {
    const raw = req.query;
    const q: PostSearchQuery = {
      q: str(raw.q),
      platform: str(raw.platform, 40),
      account: str(raw.account, 200),
      hashtag: str(raw.hashtag, 140),
      from: str(raw.from, 40),
      to: str(raw.to, 40),
      reposts: raw.reposts ? '1' : undefined,
      cursor: str(raw.cursor, 400),
    };
    const { platforms } = await filterValues(db);
    try {
      const result = await searchPosts(
        db,
        { q: q.q, platform: q.platform, account: q.account, hashtag: q.hashtag, from: dateOf(q.from, 'from'), to: dateOf(q.to, 'to'), reposts: Boolean(q.reposts) },
        PAGE,
        q.cursor ?? null,
      );
      return htmlReply(reply, postsSearchPage(req.apiKey!, q, platforms, result, null));
    } catch (err) {
      if (err instanceof QueryError || err instanceof SearchCursorError) return htmlReply(reply, postsSearchPage(req.apiKey!, q, platforms, null, err.message), 400);
      throw err;
    }
  });

  app.get<{ Querystring: Record<string, unknown> }>('/console/accounts', { preHandler: guard, schema: { hide: true } }, async (req, reply) => {
    const q = { q: str(req.query.q), platform: str(req.query.platform, 40), offset: offsetOf(req.query.offset) };
    const [{ platforms }, result] = await Promise.all([filterValues(db), searchAccounts(db, q, PAGE, q.offset)]);
    return htmlReply(reply, accountsSearchPage(req.apiKey!, q, platforms, result, PAGE));
  });

  app.get<{ Querystring: Record<string, unknown> }>('/console/scans', { preHandler: guard, schema: { hide: true } }, async (req, reply) => {
    const f = { kind: str(req.query.kind, 20), status: str(req.query.status, 20), offset: offsetOf(req.query.offset) };
    return htmlReply(reply, scansPage(req.apiKey!, f, await listScans(db, f, PAGE, f.offset), PAGE));
  });

  // the real values of the queue's narrative and platform filters (console.js turns the inputs into selects)
  app.get('/console/filters.json', { preHandler: guard, schema: { hide: true } }, async (_req, reply) => reply.header('cache-control', 'no-store').send(await filterValues(db)));

  // one post for a timeline mark (hover or click shows it); the text goes into the page as text
  app.get<{ Querystring: Record<string, unknown> }>('/console/post.json', { preHandler: guard, schema: { hide: true } }, async (req, reply) => {
    const key = str(req.query.key, 600);
    const p = key && key.includes(':') ? (await reviewRepository(db).postsByKey([key])).get(key) : undefined;
    if (!p) return reply.status(404).send({ error: { code: 'not_found', message: 'no such post' } });
    return reply.header('cache-control', 'private, max-age=300').send({
      key,
      account: `${p.platform}:${p.account_id}`,
      handle: p.handle,
      posted_at: p.posted_at,
      text: p.text,
      repost_of: p.repost_of,
      urls: p.urls,
      original: postUrl({ platform: p.platform, post_id: p.post_id, account_id: p.account_id, handle: p.handle }),
    });
  });

  app.get('/console', { preHandler: guard, schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/alerts', 302));

  // an unknown console path: the friendly page (the app's not-found handler covers the rest)
  app.get('/console/*', { preHandler: guard, schema: { hide: true } }, async (req, reply) => htmlReply(reply, errorPage(req.apiKey, 404, 'No such page.'), 404));
}
