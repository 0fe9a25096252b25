import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sql } from 'kysely';
import { registry } from '../../metrics.ts';
import type { ApiDeps } from '../types.ts';
import { errorSchema } from '../schemas.ts';

const readySchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.record(z.string(), z.enum(['ok', 'down'])),
});

/** Liveness, readiness and Prometheus metrics: no key needed (they say nothing about the data). */
export function registerHealthRoutes(root: FastifyInstance, deps: ApiDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['ops'],
        summary: 'Liveness: the process answers (not rate-limited: it does no work)',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  // each answer costs a database round trip, so it has a budget of its own per address
  const readyLimit = {
    max: deps.config.api.rateLimit,
    timeWindow: 60_000,
    keyGenerator: (req: { ip: string }) => `ready:${req.ip}`,
  };
  app.get(
    '/readyz',
    {
      config: { rateLimit: readyLimit },
      schema: {
        tags: ['ops'],
        summary: 'Readiness: Postgres (and Redis, when used) answer',
        description: 'Rate-limited per address (API_RATE_LIMIT a minute).',
        security: [],
        response: { 200: readySchema, 503: readySchema, 429: errorSchema },
      },
    },
    async (_req, reply) => {
      const checks: Record<string, 'ok' | 'down'> = {};
      try {
        await sql`select 1`.execute(deps.db.kysely);
        checks.postgres = 'ok';
      } catch {
        checks.postgres = 'down';
      }
      if (deps.queues.ping) {
        try {
          await Promise.race([
            deps.queues.ping(),
            new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000)),
          ]);
          checks.redis = 'ok';
        } catch {
          checks.redis = 'down';
        }
      }
      const ok = Object.values(checks).every((v) => v === 'ok');
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', checks });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['ops'],
        summary: 'Prometheus metrics',
        security: [],
        response: {
          200: {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: z.string() } },
          },
        },
      },
    },
    async (_req, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
