import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from './logger.ts';

/**
 * Prometheus metrics of the pipeline. One registry per process; workers serve it on
 * METRICS_PORT (`/metrics`). Counting is cheap and never fails a job.
 */
export const registry = new Registry();

export const metrics = {
  postsIngested: new Counter({ name: 'coordwatch_posts_ingested_total', help: 'posts written by ingest jobs (new, not duplicates)', registers: [registry] }),
  windowsDetected: new Counter({ name: 'coordwatch_windows_detected_total', help: 'detection windows analysed', registers: [registry] }),
  edgesStored: new Counter({ name: 'coordwatch_edges_stored_total', help: 'coordination edges written by detection windows', registers: [registry] }),
  clustersFound: new Counter({ name: 'coordwatch_clusters_total', help: 'clusters found by cluster steps and scans', registers: [registry] }),
  alertsOpened: new Counter({ name: 'coordwatch_alerts_opened_total', help: 'alerts opened, by severity', labelNames: ['severity'], registers: [registry] }),
  alertsUpdated: new Counter({ name: 'coordwatch_alerts_updated_total', help: 'alert updates (new members, evidence, score or activity)', registers: [registry] }),
  jobDuration: new Histogram({
    name: 'coordwatch_job_duration_seconds',
    help: 'job run time by queue and outcome',
    labelNames: ['queue', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  }),
  jobFailures: new Counter({ name: 'coordwatch_job_failures_total', help: 'failed job attempts by queue', labelNames: ['queue'], registers: [registry] }),
  queueDepth: new Gauge({ name: 'coordwatch_queue_depth', help: 'jobs by queue and state (read at scrape)', labelNames: ['queue', 'state'], registers: [registry] }),
  webhooksSent: new Counter({ name: 'coordwatch_webhooks_total', help: 'webhook deliveries by outcome', labelNames: ['outcome'], registers: [registry] }),
};

let defaultsOn = false;

/** Time a job and count its failure; rethrows. */
export async function timed<T>(queue: string, fn: () => Promise<T>): Promise<T> {
  const end = metrics.jobDuration.startTimer({ queue });
  try {
    const r = await fn();
    end({ outcome: 'completed' });
    return r;
  } catch (err) {
    end({ outcome: 'failed' });
    metrics.jobFailures.inc({ queue });
    throw err;
  }
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serve `/metrics`; `beforeScrape` refreshes gauges read from outside (queue depth). */
export async function startMetricsServer(port: number, log: Logger, beforeScrape?: () => Promise<void>): Promise<MetricsServer> {
  if (!defaultsOn) {
    collectDefaultMetrics({ register: registry, prefix: 'coordwatch_' });
    defaultsOn = true;
  }
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('see /metrics\n');
      return;
    }
    (async () => {
      try {
        await beforeScrape?.();
      } catch (err) {
        log.warn({ err }, 'metrics: could not read queue depth');
      }
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    })().catch((err: unknown) => {
      log.error({ err }, 'metrics: scrape failed');
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  log.info({ port: bound }, 'metrics on /metrics');
  return { port: bound, close: () => new Promise((r) => server.close(() => r())) };
}
