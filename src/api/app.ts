import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { apiKeyRepository } from '../db/api-key-repository.ts';
import { sessionRepository } from '../db/session-repository.ts';
import { allows, authenticator, authErrors, csrfGuard, rateKey } from './auth.ts';
import { consoleRoutes } from './console/routes.ts';
import { errorPage, sendErrorPage } from './console/layout.ts';
import { ApiError, errorBody, makeErrorHandler } from './errors.ts';
import { httpMetrics } from './http-metrics.ts';
import { errors, meSchema, nullInNullableEnums } from './schemas.ts';
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
  });
  // Requests are validated by the routes' zod schemas, the same ones /docs/json is made of.
  // Responses are documented, not re-checked on the way out (a drift would turn an analyst's
  // page into a 500): test/integration/api-contract.test.ts checks them against the document.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.decorateRequest('apiKey', null);
  app.decorateRequest('authVia', null);
  app.setErrorHandler(
    makeErrorHandler(log.child({ name: 'api' }), (req, status, message) =>
      errorPage(req.apiKey, status, message),
    ),
  );

  app.addHook('onSend', async (req, reply, payload) => {
    const url = req.url;
    if (!url.startsWith('/docs') && !url.startsWith('/admin/queues'))
      reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (url.startsWith('/v1/') || url.startsWith('/console/'))
      reply.header('cache-control', 'no-store');
    return payload;
  });
  httpMetrics(app);

  await app.register(rateLimit, {
    global: true,
    max: config.api.rateLimit,
    timeWindow: 60_000,
    keyGenerator: rateKey,
    // /readyz has a budget of its own (routes/health.ts); the console's two static files cost nothing
    allowList: (req) => req.url === '/healthz' || req.url.startsWith('/static/'),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error(`rate limit: ${ctx.max} requests a minute; retry in ${ctx.after}`), {
        statusCode: 429,
      }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'coordwatch API',
        version: '1',
        description:
          'Alerts of coordinated inauthentic behaviour, their evidence and their review. Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`). ' +
          "Lists page with an opaque cursor: pass the answer's `next_cursor` as `cursor` (same filters) until it is null. " +
          'Every error is `{ "error": { "code", "message", "details"? } }`.',
      },
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
    transform: (route) => {
      const t = jsonSchemaTransform(route);
      return { ...t, schema: nullInNullableEnums(t.schema) };
    },
    transformObject: (d) => nullInNullableEnums(jsonSchemaTransformObject(d)),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list' },
  });

  const keys = apiKeyRepository(db.kysely);
  const auth = authenticator(keys, sessionRepository(db.kysely));
  // onRequest: who is asking (before the rate limit, which keys on a verified key only);
  // preValidation: answer bad keys and check CSRF on cookie writes, once the rate limit counted them
  app.addHook('onRequest', auth.hook);
  app.addHook('preValidation', authErrors);
  app.addHook('preValidation', csrfGuard(config.api.publicUrl));

  registerHealthRoutes(app, deps);
  registerAlertRoutes(app, deps);
  registerDataRoutes(app, deps);
  await app.register(async (scope) => ingestRoutes(scope, deps));
  await app.register(async (scope) => consoleRoutes(scope, deps, auth));
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/me',
    {
      schema: {
        tags: ['ops'],
        summary: 'The key making the request (its own role only)',
        response: { 200: meSchema, ...errors },
      },
    },
    async (req) => {
      if (!req.apiKey)
        throw new ApiError(
          401,
          'unauthenticated',
          'an API key is required (Authorization: Bearer <key>)',
        );
      const { id, name, role, key_prefix, created_at } = req.apiKey;
      return {
        id,
        name,
        role,
        key_prefix,
        created_at,
        roles: [role],
        via: req.authVia ?? 'header',
      };
    },
  );

  await registerQueueDashboard(app, deps);

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/console/'))
      return sendErrorPage(reply, req.apiKey, 404, 'No such page.');
    return reply
      .status(404)
      .send(errorBody('not_found', `no route ${req.method} ${req.url.split('?')[0]}`));
  });
  return app;
}

/** bull-board on /admin/queues for admins; embedded mode has no Redis queues to show. */
async function registerQueueDashboard(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  // a browser (Accept: text/html) gets a page: the login form, or a 403 page that says why
  const adminOnly = async (req: FastifyRequest, reply: FastifyReply) => {
    const browser = /text\/html/.test(String(req.headers.accept ?? ''));
    if (!req.apiKey) {
      if (browser && req.method === 'GET')
        return reply.redirect('/login?next=%2Fadmin%2Fqueues', 303);
      throw new ApiError(401, 'unauthenticated', 'an API key is required');
    }
    if (!allows(req.apiKey.role, 'admin')) {
      if (browser)
        return sendErrorPage(reply, req.apiKey, 403, `The queue dashboard needs the admin role; the key "${req.apiKey.name}" is ${req.apiKey.role}.`);
      throw new ApiError(403, 'forbidden', 'the queue dashboard needs the admin role');
    }
  };
  if (deps.queues.dashboard.length === 0) {
    app.get(
      '/admin/queues',
      { onRequest: [], preHandler: adminOnly, schema: { hide: true } },
      async () => {
        throw new ApiError(
          404,
          'no_queues',
          'jobs run in-process (no REDIS_URL): there are no queues to show',
        );
      },
    );
    return;
  }
  const { createBullBoard } = await import('@bull-board/api');
  const { BullMQAdapter } = await import('@bull-board/api/bullMQAdapter');
  const { FastifyAdapter } = await import('@bull-board/fastify');
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath('/admin/queues');
  createBullBoard({
    queues: deps.queues.dashboard.map((q) => new BullMQAdapter(q)),
    serverAdapter,
  });
  await app.register(async (scope) => {
    scope.addHook('preHandler', adminOnly);
    await scope.register(serverAdapter.registerPlugin() as Parameters<typeof scope.register>[0], {
      prefix: '/admin/queues',
    });
  });
}
