import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { apiKeyRepository } from '../db/api-key-repository.ts';
import { API_ROLES } from '../db/schema/index.ts';
import { allows, authHook, rateKey } from './auth.ts';
import { consoleRoutes } from './console/routes.ts';
import { errorPage } from './console/layout.ts';
import { ApiError, errorBody, makeErrorHandler } from './errors.ts';
import { httpMetrics } from './http-metrics.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import { registerDataRoutes } from './routes/data.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { ingestRoutes } from './routes/ingest.ts';
import type { ApiDeps } from './types.ts';

export type { ApiDeps, ApiQueues } from './types.ts';

/**
 * The console's CSP: scripts and styles only from this origin (no inline code), images
 * only from here or data: URIs (never a remote image a post points at), no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The API and console, built in-process (tests inject requests; `serve` listens). */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const { config, db, log } = deps;
  const app = Fastify({
    // pino's Logger is Fastify's logger; the generic types differ only in their parameters
    loggerInstance: log.child({ name: 'api' }) as unknown as FastifyBaseLogger,
    // one log line per request is noise at this volume; errors are logged by the handler
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.api.bodyLimit,
    trustProxy: config.api.trustProxy,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
  app.decorateRequest('apiKey', null);
  app.decorateRequest('authVia', null);
  app.setErrorHandler(makeErrorHandler(log.child({ name: 'api' })));

  app.addHook('onSend', async (req, reply, payload) => {
    const url = req.url;
    if (!url.startsWith('/docs') && !url.startsWith('/admin/queues')) reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (url.startsWith('/v1/') || url.startsWith('/console/')) reply.header('cache-control', 'no-store');
    return payload;
  });
  httpMetrics(app);

  await app.register(rateLimit, {
    global: true,
    max: config.api.rateLimit,
    timeWindow: 60_000,
    keyGenerator: rateKey,
    allowList: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url.startsWith('/static/'),
    errorResponseBuilder: (_req, ctx) => Object.assign(new Error(`rate limit: ${ctx.max} requests a minute; retry in ${ctx.after}`), { statusCode: 429 }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'coordwatch API', version: '1', description: 'Alerts of coordinated inauthentic behaviour, their evidence and their review. Authenticate with `Authorization: Bearer <key>`.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'alerts', description: 'the review queue and decisions' },
        { name: 'exports' },
        { name: 'accounts' },
        { name: 'posts' },
        { name: 'scans' },
        { name: 'ingest' },
        { name: 'ops' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { docExpansion: 'list' } });

  const keys = apiKeyRepository(db.kysely);
  app.addHook('onRequest', authHook(keys));

  registerHealthRoutes(app, deps);
  registerAlertRoutes(app, deps);
  registerDataRoutes(app, deps);
  await app.register(async (scope) => ingestRoutes(scope, deps));
  await app.register(async (scope) => consoleRoutes(scope, deps));
  app.get('/v1/me', { schema: { tags: ['ops'], summary: 'The key making the request' } }, async (req) => {
    if (!req.apiKey) throw new ApiError(401, 'unauthenticated', 'an API key is required (Authorization: Bearer <key>)');
    const { id, name, role, key_prefix, created_at } = req.apiKey;
    return { id, name, role, key_prefix, created_at, roles: API_ROLES };
  });

  await registerQueueDashboard(app, deps);

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/console/')) return reply.status(404).type('text/html; charset=utf-8').send(errorPage(req.apiKey, 404, 'No such page.'));
    return reply.status(404).send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`));
  });
  return app;
}

/** bull-board on /admin/queues for admins; embedded mode has no Redis queues to show. */
async function registerQueueDashboard(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const adminOnly = async (req: FastifyRequest) => {
    if (!req.apiKey) throw new ApiError(401, 'unauthenticated', 'an API key is required');
    if (!allows(req.apiKey.role, 'admin')) throw new ApiError(403, 'forbidden', 'the queue dashboard needs the admin role');
  };
  if (deps.queues.dashboard.length === 0) {
    app.get('/admin/queues', { onRequest: [], preHandler: adminOnly, schema: { hide: true } }, async () => {
      throw new ApiError(404, 'no_queues', 'jobs run in-process (no REDIS_URL): there are no queues to show');
    });
    return;
  }
  const { createBullBoard } = await import('@bull-board/api');
  const { BullMQAdapter } = await import('@bull-board/api/bullMQAdapter');
  const { FastifyAdapter } = await import('@bull-board/fastify');
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath('/admin/queues');
  createBullBoard({ queues: deps.queues.dashboard.map((q) => new BullMQAdapter(q)), serverAdapter });
  await app.register(async (scope) => {
    scope.addHook('preHandler', adminOnly);
    await scope.register(serverAdapter.registerPlugin() as Parameters<typeof scope.register>[0], { prefix: '/admin/queues' });
  });
}
