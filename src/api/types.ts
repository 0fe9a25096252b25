import type { Queue } from 'bullmq';
import type { Config } from '../../config/config.ts';
import type { Db } from '../db/connection.ts';
import type { ApiKeyInfo } from '../db/api-key-repository.ts';
import type { ScanType } from '../detect/scan.ts';
import type { Logger } from '../logger.ts';
import type { JobQueue } from '../queue/job-queue.ts';

/** What the API needs of the queues; `openApiQueues` builds it for embedded or Redis mode. */
export interface ApiQueues {
  readonly mode: 'inline' | 'redis';
  /** where POST /v1/posts puts its chunks */
  ingest: JobQueue;
  /** after a batch was produced: inline runs its detection windows; redis has workers for that */
  afterIngest(): Promise<void>;
  /** start a scan: in-process in the background (inline), or a job for the scan workers */
  triggerScan(kind: ScanType, window: { start: Date; end: Date }): Promise<{ mode: 'inline' | 'redis'; job_id: string }>;
  /** BullMQ queues shown on /admin/queues (none when embedded) */
  dashboard: Queue[];
  /** Redis ping for /readyz; null when there is no Redis */
  ping: (() => Promise<void>) | null;
  close(): Promise<void>;
}

export interface ApiDeps {
  config: Config;
  db: Db;
  queues: ApiQueues;
  log: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the API key the request presented (set by the auth hook) */
    apiKey: ApiKeyInfo | null;
    /** how the key came: a header (API clients) or the console's cookie */
    authVia: 'header' | 'cookie' | null;
  }
}
