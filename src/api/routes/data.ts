import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sql } from 'kysely';
import { ingestRepository } from '../../db/ingest-repository.ts';
import { CursorError, reviewRepository } from '../../db/review-repository.ts';
import { scanRepository } from '../../db/scan-repository.ts';
import { accountKey } from '../../core/keys.ts';
import { requireRole } from '../auth.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import type { ApiDeps } from '../types.ts';
import {
  accountViewSchema,
  batchSchema,
  cursor,
  errors,
  id,
  isoTime,
  limit,
  pageOf,
  postSchema,
  rejectedSchema,
  scanRunSchema,
  text,
  with404,
} from '../schemas.ts';

const accountParams = z.object({ platform: text(50).min(1), account: text(300).min(1) });

const toDate = (name: string, v: string | undefined): Date | undefined => {
  if (!v) return undefined;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw badRequest(`${name}: expected an ISO time, got "${v}"`);
  return new Date(t);
};

/** Accounts, posts, scans and ingest batches: what an analyst checks behind an alert. */
export function registerDataRoutes(root: FastifyInstance, deps: ApiDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { db, queues } = deps;
  const review = reviewRepository(db.kysely);

  app.get(
    '/v1/accounts/:platform/:account',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['accounts'],
        summary: 'An account: profile, sightings, recent posts, signals, its alerts',
        params: accountParams,
        response: { 200: accountViewSchema, ...with404 },
      },
    },
    async (req) => {
      const { platform, account } = req.params;
      const profile = await review.account(platform, account);
      if (!profile) throw notFound(`account ${platform}:${account}`);
      const key = accountKey(platform, account);
      const [sightings, alerts, posts, counts] = await Promise.all([
        review.sightings(platform, account),
        review.alertsOfAccount(key),
        review.searchPosts({ platform, accountId: account }, 50, null),
        sql<{
          n: number;
        }>`select count(*)::int as n from posts where platform = ${platform} and account_id = ${account}`.execute(
          db.kysely,
        ),
      ]);
      // the signals the latest-scored alert computed for it
      const signals = alerts.find((a) => a.signals)?.signals ?? null;
      return {
        account: { ...profile, key },
        post_count: counts.rows[0]?.n ?? 0,
        sightings,
        signals,
        alerts,
        posts: posts.items,
        next_posts_cursor: posts.next_cursor,
      };
    },
  );

  app.get(
    '/v1/posts',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['posts'],
        summary: 'Search posts, newest first (cursor pagination)',
        description:
          "Keyset pagination on (posted_at, post key): pass the answer's `next_cursor` (null on the last page) as `cursor` with the same filters.",
        querystring: z.strictObject({
          q: text(200).optional().describe('text contains (case-insensitive)'),
          platform: text(50).optional(),
          account: text(300).optional().describe('account id (with platform)'),
          hashtag: text(200).optional(),
          url: text(2000).optional(),
          from: isoTime('posted at or after').optional(),
          to: isoTime('posted before').optional(),
          limit: limit(200, 50),
          cursor: cursor('posts').optional(),
        }),
        response: { 200: pageOf(postSchema, 'PostPage'), ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      try {
        return await review.searchPosts(
          {
            q: q.q || undefined,
            platform: q.platform || undefined,
            accountId: q.account || undefined,
            hashtag: q.hashtag || undefined,
            url: q.url || undefined,
            from: toDate('from', q.from),
            to: toDate('to', q.to),
          },
          q.limit,
          q.cursor || null,
        );
      } catch (err) {
        if (err instanceof CursorError) throw new ApiError(400, 'invalid_cursor', err.message);
        throw err;
      }
    },
  );

  app.get(
    '/v1/scans',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['scans'],
        summary: 'Recent scan runs, newest first',
        querystring: z.strictObject({
          kind: z.enum(['window', 'rolling', 'deep', 'manual']).optional(),
          limit: limit(200, 20),
        }),
        response: { 200: z.object({ items: z.array(scanRunSchema) }), ...errors },
      },
    },
    async (req) => ({
      items: await scanRepository(db.kysely).list({ kind: req.query.kind, limit: req.query.limit }),
    }),
  );

  app.post(
    '/v1/scans',
    {
      preHandler: requireRole('lead'),
      schema: {
        tags: ['scans'],
        summary: 'Trigger a scan of a window (default: the last 24 hours of stored posts)',
        body: z
          .strictObject({
            kind: z.enum(['manual', 'rolling', 'deep']).default('manual'),
            from: isoTime('window start').optional(),
            to: isoTime('window end (default: after the newest post)').optional(),
          })
          .default({ kind: 'manual' }),
        response: {
          202: z.object({
            mode: z.enum(['inline', 'redis']),
            job_id: z.string(),
            kind: z.enum(['manual', 'rolling', 'deep']),
            window: z.object({ start: z.date(), end: z.date() }),
          }),
          ...errors,
          409: errors[400].describe('no posts stored yet'),
        },
      },
    },
    async (req, reply) => {
      const b = req.body ?? {};
      let from = toDate('from', b.from);
      let to = toDate('to', b.to);
      if (!to) {
        const r = await sql<{ hi: Date | null }>`select max(posted_at) as hi from posts`.execute(
          db.kysely,
        );
        const hi = r.rows[0]?.hi;
        if (!hi) throw new ApiError(409, 'no_posts', 'no posts stored yet');
        to = new Date(Math.floor(new Date(hi).getTime() / 60_000) * 60_000 + 60_000);
      }
      from ??= new Date(to.getTime() - 24 * 3_600_000);
      if (to <= from) throw badRequest('to must be after from');
      if (to.getTime() - from.getTime() > 31 * 86_400_000)
        throw badRequest('a scan window is at most 31 days');
      const r = await queues.triggerScan(b.kind ?? 'manual', { start: from, end: to });
      return reply
        .status(202)
        .send({ ...r, kind: b.kind ?? 'manual', window: { start: from, end: to } });
    },
  );

  app.get(
    '/v1/batches',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['ingest'],
        summary: 'Ingest batches, newest first',
        querystring: z.strictObject({ limit: limit(200, 20) }),
        response: { 200: z.object({ items: z.array(batchSchema) }), ...errors },
      },
    },
    async (req) => ({ items: await ingestRepository(db.kysely).listBatches(req.query.limit) }),
  );

  const batchParams = z.object({ id: id() });

  app.get(
    '/v1/batches/:id',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['ingest'],
        summary: 'One ingest batch',
        params: batchParams,
        response: { 200: z.object({ batch: batchSchema }), ...with404 },
      },
    },
    async (req) => {
      const b = await ingestRepository(db.kysely).getBatch(req.params.id);
      if (!b) throw notFound(`batch ${req.params.id}`);
      return { batch: b };
    },
  );

  app.get(
    '/v1/batches/:id/rejected',
    {
      preHandler: requireRole('viewer'),
      schema: {
        tags: ['ingest'],
        summary: 'A batch’s rejected records with their reasons',
        params: batchParams,
        description:
          "Offset pagination (a batch's rejected records do not change once it is done): `next_offset` is null on the last page.",
        querystring: z.strictObject({
          limit: limit(500, 50),
          offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
        }),
        response: {
          200: z.object({
            items: z.array(rejectedSchema),
            total: z.number().int(),
            next_offset: z.number().int().nullable(),
          }),
          ...with404,
        },
      },
    },
    async (req) => {
      const repo = ingestRepository(db.kysely);
      const b = await repo.getBatch(req.params.id);
      if (!b) throw notFound(`batch ${req.params.id}`);
      const { limit, offset } = req.query;
      const items = await repo.rejectedOf(req.params.id, limit, offset);
      return {
        items,
        total: await review.rejectedCount(req.params.id),
        next_offset: items.length === limit ? offset + limit : null,
      };
    },
  );
}
