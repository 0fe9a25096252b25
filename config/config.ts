import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

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
  detect: DetectConfig;
  alerts: AlertConfig;
  scans: ScanConfig;
  webhook: WebhookConfig | null;
  api: ApiConfig;
  /** SHADOW_DETECTION: a candidate detector config (JSON) run beside the live one, no alerts written; null = off */
  shadowDetection: string | null;
}

export interface ApiConfig {
  host: string;
  port: number;
  /** requests per minute per key (or per address without one) */
  rateLimit: number;
  /** largest JSON request body, bytes */
  bodyLimit: number;
  /** largest POST /v1/posts body, bytes */
  ingestBodyLimit: number;
  /** behind a reverse proxy: take the client address from X-Forwarded-For */
  trustProxy: boolean;
  /** decompressed bytes one POST /v1/posts gzip body may expand to (a gzip bomb gets 413) */
  ingestMaxDecompressed: number;
  /** the address people use (`https://monitor.example`): the origin console writes must come from */
  publicUrl: string | null;
  /** console cookies carry `Secure` (default: PUBLIC_URL is https) */
  cookieSecure: boolean;
  /** how long a console login lasts */
  sessionTtlMs: number;
}

export interface DetectConfig {
  /** queue detection windows after each ingest chunk (else scans only) */
  streaming: boolean;
  /** size of a detection window, aligned to the epoch */
  windowMinutes: number;
  /** the cluster step joins the stored edges of this many minutes before a window's end */
  horizonMinutes: number;
  /** a chunk whose posts fall in more windows than this (a backfill) is left to scans */
  maxWindowsPerChunk: number;
  concurrency: number;
  attempts: number;
  backoffMs: number;
}

export interface AlertConfig {
  /** clusters below this score never open or touch alerts */
  minScore: number;
  /** member overlap (of the smaller side) at which a cluster updates an alert */
  overlap: number;
  /** a dismissed network comes back after growing by this share of its size… */
  reopenGrowth: number;
  /** …and at least this many new members */
  reopenMinNew: number;
}

export interface ScanConfig {
  /** minutes between rolling scans (0 = no schedule) */
  rollingEveryMinutes: number;
  rollingHours: number;
  /** hours between deep scans (0 = no schedule) */
  deepEveryHours: number;
  deepDays: number;
  /** deep scans' pair memory: days read before the window (0 = off) and the half-life of a remembered co-action */
  memoryDays: number;
  memoryHalfLifeDays: number;
  /** scheduled scans end at the wall clock, or at the latest post (replays of old data) */
  anchor: 'wall' | 'latest-post';
  attempts: number;
  backoffMs: number;
}

export interface WebhookConfig {
  url: string;
  /** HMAC-SHA256 key for the signature header; null sends unsigned */
  secret: string | null;
  minSeverity: 'low' | 'medium' | 'high' | 'critical';
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
  /** `json` (coordwatch's signed body) or `slack` (Slack's incoming-webhook shape) */
  format: 'json' | 'slack';
  /** the console's public base for links in Slack messages (PUBLIC_URL), or null */
  consoleUrl: string | null;
}

export { ConfigError };

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

const numVar = (name: string, def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected a number from ${min} to ${max}, got "${v}"`, path: [name] });
        return z.NEVER;
      }
      return n;
    });

const boolVar = (name: string, def: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      if (/^(1|true|yes|on)$/i.test(v.trim())) return true;
      if (/^(0|false|no|off)$/i.test(v.trim())) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got "${v}"`, path: [name] });
      return z.NEVER;
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
  DETECT_STREAMING: boolVar('DETECT_STREAMING', true),
  DETECT_WINDOW_MINUTES: intVar('DETECT_WINDOW_MINUTES', 10, 1, 1440),
  DETECT_HORIZON_MINUTES: intVar('DETECT_HORIZON_MINUTES', 120, 1, 10_080),
  DETECT_MAX_WINDOWS_PER_CHUNK: intVar('DETECT_MAX_WINDOWS_PER_CHUNK', 500, 1, 1_000_000),
  DETECT_CONCURRENCY: intVar('DETECT_CONCURRENCY', 1, 1, 64),
  DETECT_ATTEMPTS: intVar('DETECT_ATTEMPTS', 5, 1, 100),
  DETECT_BACKOFF_MS: intVar('DETECT_BACKOFF_MS', 2000, 0, 3_600_000),
  ALERT_MIN_SCORE: numVar('ALERT_MIN_SCORE', 50, 0, 100),
  ALERT_OVERLAP: numVar('ALERT_OVERLAP', 0.5, 0.01, 1),
  ALERT_REOPEN_GROWTH: numVar('ALERT_REOPEN_GROWTH', 0.5, 0, 100),
  ALERT_REOPEN_MIN_NEW: intVar('ALERT_REOPEN_MIN_NEW', 3, 1, 1_000_000),
  SCAN_ROLLING_EVERY_MINUTES: intVar('SCAN_ROLLING_EVERY_MINUTES', 15, 0, 10_080),
  SCAN_ROLLING_HOURS: intVar('SCAN_ROLLING_HOURS', 24, 1, 720),
  SCAN_DEEP_EVERY_HOURS: intVar('SCAN_DEEP_EVERY_HOURS', 24, 0, 8760),
  SCAN_DEEP_DAYS: intVar('SCAN_DEEP_DAYS', 7, 1, 365),
  SCAN_MEMORY_DAYS: intVar('SCAN_MEMORY_DAYS', 28, 0, 366),
  SCAN_MEMORY_HALF_LIFE_DAYS: intVar('SCAN_MEMORY_HALF_LIFE_DAYS', 14, 1, 366),
  SCAN_ANCHOR: z.enum(['wall', 'latest-post']).optional().default('wall'),
  SCAN_ATTEMPTS: intVar('SCAN_ATTEMPTS', 3, 1, 100),
  SCAN_BACKOFF_MS: intVar('SCAN_BACKOFF_MS', 10_000, 0, 3_600_000),
  WEBHOOK_URL: urlVar('WEBHOOK_URL', ['http:', 'https:']),
  WEBHOOK_SECRET: z.string().optional(),
  WEBHOOK_MIN_SEVERITY: z.enum(['low', 'medium', 'high', 'critical']).optional().default('high'),
  WEBHOOK_ATTEMPTS: intVar('WEBHOOK_ATTEMPTS', 8, 1, 100),
  WEBHOOK_BACKOFF_MS: intVar('WEBHOOK_BACKOFF_MS', 5000, 0, 3_600_000),
  WEBHOOK_TIMEOUT_MS: intVar('WEBHOOK_TIMEOUT_MS', 5000, 100, 120_000),
  WEBHOOK_FORMAT: z.enum(['json', 'slack']).optional().default('json'),
  API_HOST: z.string().optional(),
  API_PORT: intVar('API_PORT', 8080, 0, 65_535),
  API_RATE_LIMIT: intVar('API_RATE_LIMIT', 600, 1, 1_000_000),
  API_BODY_LIMIT: intVar('API_BODY_LIMIT', 65_536, 1024, 104_857_600),
  API_INGEST_BODY_LIMIT: intVar('API_INGEST_BODY_LIMIT', 16_777_216, 1024, 1_073_741_824),
  API_TRUST_PROXY: boolVar('API_TRUST_PROXY', false),
  // 8x the default body limit: real inputs gzip 2.8-8.1x (shared sample data; NDJSON 7.4x)
  API_INGEST_MAX_DECOMPRESSED: intVar('API_INGEST_MAX_DECOMPRESSED', 134_217_728, 1024, 4_294_967_296),
  PUBLIC_URL: urlVar('PUBLIC_URL', ['http:', 'https:']),
  // unset: follow PUBLIC_URL's scheme
  COOKIE_SECURE: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return null;
      if (/^(1|true|yes|on)$/i.test(v.trim())) return true;
      if (/^(0|false|no|off)$/i.test(v.trim())) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got "${v}"`, path: ['COOKIE_SECURE'] });
      return z.NEVER;
    }),
  API_SESSION_HOURS: intVar('API_SESSION_HOURS', 12, 1, 720),
  SHADOW_DETECTION: z.string().optional(),
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
    detect: {
      streaming: e.DETECT_STREAMING,
      windowMinutes: e.DETECT_WINDOW_MINUTES,
      horizonMinutes: e.DETECT_HORIZON_MINUTES,
      maxWindowsPerChunk: e.DETECT_MAX_WINDOWS_PER_CHUNK,
      concurrency: e.DETECT_CONCURRENCY,
      attempts: e.DETECT_ATTEMPTS,
      backoffMs: e.DETECT_BACKOFF_MS,
    },
    alerts: {
      minScore: e.ALERT_MIN_SCORE,
      overlap: e.ALERT_OVERLAP,
      reopenGrowth: e.ALERT_REOPEN_GROWTH,
      reopenMinNew: e.ALERT_REOPEN_MIN_NEW,
    },
    scans: {
      rollingEveryMinutes: e.SCAN_ROLLING_EVERY_MINUTES,
      rollingHours: e.SCAN_ROLLING_HOURS,
      deepEveryHours: e.SCAN_DEEP_EVERY_HOURS,
      deepDays: e.SCAN_DEEP_DAYS,
      memoryDays: e.SCAN_MEMORY_DAYS,
      memoryHalfLifeDays: e.SCAN_MEMORY_HALF_LIFE_DAYS,
      anchor: e.SCAN_ANCHOR,
      attempts: e.SCAN_ATTEMPTS,
      backoffMs: e.SCAN_BACKOFF_MS,
    },
    webhook: e.WEBHOOK_URL
      ? {
          url: e.WEBHOOK_URL,
          secret: e.WEBHOOK_SECRET && e.WEBHOOK_SECRET !== '' ? e.WEBHOOK_SECRET : null,
          minSeverity: e.WEBHOOK_MIN_SEVERITY,
          attempts: e.WEBHOOK_ATTEMPTS,
          backoffMs: e.WEBHOOK_BACKOFF_MS,
          timeoutMs: e.WEBHOOK_TIMEOUT_MS,
          format: e.WEBHOOK_FORMAT,
          consoleUrl: e.PUBLIC_URL ?? null,
        }
      : null,
    api: {
      host: e.API_HOST && e.API_HOST.trim() !== '' ? e.API_HOST.trim() : '127.0.0.1',
      port: e.API_PORT,
      rateLimit: e.API_RATE_LIMIT,
      bodyLimit: e.API_BODY_LIMIT,
      ingestBodyLimit: e.API_INGEST_BODY_LIMIT,
      trustProxy: e.API_TRUST_PROXY,
      ingestMaxDecompressed: e.API_INGEST_MAX_DECOMPRESSED,
      publicUrl: e.PUBLIC_URL,
      cookieSecure: e.COOKIE_SECURE ?? (e.PUBLIC_URL ?? '').startsWith('https:'),
      sessionTtlMs: e.API_SESSION_HOURS * 3_600_000,
    },
    shadowDetection: e.SHADOW_DETECTION && e.SHADOW_DETECTION.trim() !== '' ? path.resolve(cwd, e.SHADOW_DETECTION.trim()) : null,
  };
}
