import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { registry } from '../../metrics.ts';
import type { ApiDeps } from '../types.ts';

/** Liveness, readiness and Prometheus metrics: no key needed (they say nothing about the data). */
export function registerHealthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', { schema: { tags: ['ops'], summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['ops'], summary: 'Readiness: Postgres (and Redis, when used) answer' } }, async (_req, reply) => {
    const checks: Record<string, 'ok' | 'down'> = {};
    try {
      await sql`select 1`.execute(deps.db.kysely);
      checks.postgres = 'ok';
    } catch {
      checks.postgres = 'down';
    }
    if (deps.queues.ping) {
      try {
        await Promise.race([deps.queues.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
        checks.redis = 'ok';
      } catch {
        checks.redis = 'down';
      }
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', checks });
  });

  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
