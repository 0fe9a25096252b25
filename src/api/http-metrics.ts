import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';
import { registry } from '../metrics.ts';

// module level: one metric per process however many apps a test builds
const duration = new Histogram({
  name: 'coordwatch_http_request_duration_seconds',
  help: 'API and console request time by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export function httpMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    // the route pattern, not the URL: ids would make a label per alert
    const route = req.routeOptions.url ?? 'unmatched';
    duration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
