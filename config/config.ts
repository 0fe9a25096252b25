import path from 'node:path';
import { z } from 'zod';

/**
 * The one typed configuration. Only entry points call `loadConfig(process.env)`;
 * everything else receives the result as an argument.
 */
export interface Config {
  /** null → embedded PGlite under `dataDir` */
  databaseUrl: string | null;
  /** null → job processors run in-process */
  redisUrl: string | null;
  dataDir: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** pretty logs (terminal) or JSON lines */
  logFormat: 'json' | 'pretty';
  queuePrefix: string;
  ingest: {
    /** records per queue job (a chunk) */
    chunkSize: number;
    concurrency: number;
    /** at most this many chunks waiting in the queue before the producer pauses */
    maxQueuedChunks: number;
    maxTextBytes: number;
    maxLineBytes: number;
    attempts: number;
    backoffMs: number;
  };
  pgPoolSize: number;
  shutdownTimeoutMs: number;
  /** how long a worker's lock on a job lasts; a crashed worker's job is retried after this */
  jobLockMs: number;
  /** port of the worker's Prometheus /metrics (0 = off) */
  metricsPort: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`invalid ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const intVar = (name: string, def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected an integer from ${min} to ${max}, got "${v}"`, path: [name] });
        return z.NEVER;
      }
      return n;
    });

const urlVar = (name: string, protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return null;
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: `not a URL: "${redact(v)}"`, path: [name] });
        return z.NEVER;
      }
      if (!protocols.includes(u.protocol)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected ${protocols.map((p) => p + '//').join(' or ')}…, got "${redact(v)}"`,
          path: [name],
        });
        return z.NEVER;
      }
      return v;
    });

/** Hide a password in a URL before it reaches a message. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

const envSchema = z.object({
  DATABASE_URL: urlVar('DATABASE_URL', ['postgres:', 'postgresql:']),
  REDIS_URL: urlVar('REDIS_URL', ['redis:', 'rediss:']),
  DATA_DIR: z.string().optional(),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
    .optional()
    .default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _.:- only')
    .optional()
    .default('coordwatch'),
  INGEST_CHUNK_SIZE: intVar('INGEST_CHUNK_SIZE', 5000, 1, 100_000),
  INGEST_CONCURRENCY: intVar('INGEST_CONCURRENCY', 2, 1, 64),
  INGEST_MAX_QUEUED_CHUNKS: intVar('INGEST_MAX_QUEUED_CHUNKS', 8, 1, 10_000),
  INGEST_MAX_TEXT_BYTES: intVar('INGEST_MAX_TEXT_BYTES', 65_536, 280, 10_000_000),
  INGEST_MAX_LINE_BYTES: intVar('INGEST_MAX_LINE_BYTES', 4_194_304, 1024, 1_073_741_824),
  INGEST_ATTEMPTS: intVar('INGEST_ATTEMPTS', 5, 1, 100),
  INGEST_BACKOFF_MS: intVar('INGEST_BACKOFF_MS', 1000, 0, 3_600_000),
  PG_POOL_SIZE: intVar('PG_POOL_SIZE', 10, 1, 200),
  SHUTDOWN_TIMEOUT_MS: intVar('SHUTDOWN_TIMEOUT_MS', 30_000, 100, 3_600_000),
  JOB_LOCK_MS: intVar('JOB_LOCK_MS', 30_000, 1000, 3_600_000),
  METRICS_PORT: intVar('METRICS_PORT', 0, 0, 65_535),
});

export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    let msg = issue.message;
    if (issue.code === 'invalid_value' && 'values' in issue) {
      msg = `expected one of ${(issue.values as unknown[]).join(', ')}, got "${env[variable]}"`;
    }
    throw new ConfigError(variable, msg);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(cwd, e.DATA_DIR && e.DATA_DIR.trim() !== '' ? e.DATA_DIR : 'data'),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json'),
    queuePrefix: e.QUEUE_PREFIX,
    ingest: {
      chunkSize: e.INGEST_CHUNK_SIZE,
      concurrency: e.INGEST_CONCURRENCY,
      maxQueuedChunks: e.INGEST_MAX_QUEUED_CHUNKS,
      maxTextBytes: e.INGEST_MAX_TEXT_BYTES,
      maxLineBytes: e.INGEST_MAX_LINE_BYTES,
      attempts: e.INGEST_ATTEMPTS,
      backoffMs: e.INGEST_BACKOFF_MS,
    },
    pgPoolSize: e.PG_POOL_SIZE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    jobLockMs: e.JOB_LOCK_MS,
    metricsPort: e.METRICS_PORT,
  };
}
