import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { ingestRepository } from '../../db/ingest-repository.ts';
import { CursorError, reviewRepository } from '../../db/review-repository.ts';
import { scanRepository } from '../../db/scan-repository.ts';
import type { ScanKind } from '../../db/schema/index.ts';
import { accountKey } from '../../core/keys.ts';
import { requireRole } from '../auth.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import type { ApiDeps } from '../types.ts';

const accountParams = {
  type: 'object',
  required: ['platform', 'account'],
  properties: { platform: { type: 'string', minLength: 1, maxLength: 50 }, account: { type: 'string', minLength: 1, maxLength: 300 } },
} as const;

const isoTime = (name: string, v: string | undefined): Date | undefined => {
  if (!v) return undefined;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw badRequest(`${name}: expected an ISO time, got "${v}"`);
  return new Date(t);
};

export interface PostQuery {
  q?: string;
  platform?: string;
  account?: string;
  hashtag?: string;
  url?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** Accounts, posts, scans and ingest batches: what an analyst checks behind an alert. */
export function registerDataRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { db, queues } = deps;
  const review = reviewRepository(db.kysely);

  app.get<{ Params: { platform: string; account: string } }>(
    '/v1/accounts/:platform/:account',
    { preHandler: requireRole('viewer'), schema: { tags: ['accounts'], summary: 'An account: profile, sightings, recent posts, signals, its alerts', params: accountParams } },
    async (req) => {
      const { platform, account } = req.params;
      const profile = await review.account(platform, account);
      if (!profile) throw notFound(`account ${platform}:${account}`);
      const key = accountKey(platform, account);
      const [sightings, alerts, posts, counts] = await Promise.all([
        review.sightings(platform, account),
        review.alertsOfAccount(key),
        review.searchPosts({ platform, accountId: account }, 50, null),
        sql<{ n: number }>`select count(*)::int as n from posts where platform = ${platform} and account_id = ${account}`.execute(db.kysely),
      ]);
      // the signals the latest-scored alert computed for it
      const signals = alerts.find((a) => a.signals)?.signals ?? null;
      return { account: { ...profile, key }, post_count: counts.rows[0]?.n ?? 0, sightings, signals, alerts, posts: posts.items, next_posts_cursor: posts.next_cursor };
    },
  );

  app.get<{ Querystring: PostQuery }>(
    '/v1/posts',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['posts'],
        summary: 'Search posts, newest first (cursor pagination)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 200, description: 'text contains (case-insensitive)' },
            platform: { type: 'string', maxLength: 50 },
            account: { type: 'string', maxLength: 300, description: 'account id (with platform)' },
            hashtag: { type: 'string', maxLength: 200 },
            url: { type: 'string', maxLength: 2000 },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            cursor: { type: 'string', maxLength: 1000 },
          },
        },
      },
    },
    async (req) => {
      const q = req.query;
      try {
        return await review.searchPosts(
          { q: q.q || undefined, platform: q.platform || undefined, accountId: q.account || undefined, hashtag: q.hashtag || undefined, url: q.url || undefined, from: isoTime('from', q.from), to: isoTime('to', q.to) },
          q.limit ?? 50,
          q.cursor || null,
        );
      } catch (err) {
        if (err instanceof CursorError) throw new ApiError(400, 'invalid_cursor', err.message);
        throw err;
      }
    },
  );

  app.get<{ Querystring: { kind?: ScanKind; limit?: number } }>(
    '/v1/scans',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['scans'],
        summary: 'Recent scan runs, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: ['window', 'rolling', 'deep', 'manual'] }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } },
        },
      },
    },
    async (req) => ({ items: await scanRepository(db.kysely).list({ kind: req.query.kind, limit: req.query.limit ?? 20 }) }),
  );

  app.post<{ Body: { kind?: 'manual' | 'rolling' | 'deep'; from?: string; to?: string } }>(
    '/v1/scans',
    {
      preHandler: requireRole('lead'),
      schema: {
        tags: ['scans'],
        summary: 'Trigger a scan of a window (default: the last 24 hours of stored posts)',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: ['manual', 'rolling', 'deep'], default: 'manual' }, from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } },
        },
      },
    },
    async (req, reply) => {
      const b = req.body ?? {};
      let from = isoTime('from', b.from);
      let to = isoTime('to', b.to);
      if (!to) {
        const r = await sql<{ hi: Date | null }>`select max(posted_at) as hi from posts`.execute(db.kysely);
        const hi = r.rows[0]?.hi;
        if (!hi) throw new ApiError(409, 'no_posts', 'no posts stored yet');
        to = new Date(Math.floor(new Date(hi).getTime() / 60_000) * 60_000 + 60_000);
      }
      from ??= new Date(to.getTime() - 24 * 3_600_000);
      if (to <= from) throw badRequest('to must be after from');
      if (to.getTime() - from.getTime() > 31 * 86_400_000) throw badRequest('a scan window is at most 31 days');
      const r = await queues.triggerScan(b.kind ?? 'manual', { start: from, end: to });
      return reply.status(202).send({ ...r, kind: b.kind ?? 'manual', window: { start: from, end: to } });
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/v1/batches',
    {
      preHandler: requireRole('viewer'),
      schema: { tags: ['ingest'], summary: 'Ingest batches, newest first', querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } } } },
    },
    async (req) => ({ items: await ingestRepository(db.kysely).listBatches(req.query.limit ?? 20) }),
  );

  const batchParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: 9007199254740991 } } } as const;

  app.get<{ Params: { id: number } }>(
    '/v1/batches/:id',
    { preHandler: requireRole('viewer'), schema: { tags: ['ingest'], summary: 'One ingest batch', params: batchParams } },
    async (req) => {
      const b = await ingestRepository(db.kysely).getBatch(req.params.id);
      if (!b) throw notFound(`batch ${req.params.id}`);
      return { batch: b };
    },
  );

  app.get<{ Params: { id: number }; Querystring: { limit?: number; offset?: number } }>(
    '/v1/batches/:id/rejected',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['ingest'],
        summary: 'A batch’s rejected records with their reasons',
        params: batchParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 } },
        },
      },
    },
    async (req) => {
      const repo = ingestRepository(db.kysely);
      const b = await repo.getBatch(req.params.id);
      if (!b) throw notFound(`batch ${req.params.id}`);
      const limit = req.query.limit ?? 50;
      const offset = req.query.offset ?? 0;
      const items = await repo.rejectedOf(req.params.id, limit, offset);
      return { items, total: await review.rejectedCount(req.params.id), next_offset: items.length === limit ? offset + limit : null };
    },
  );
}
