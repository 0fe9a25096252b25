/**
 * The composition root's front: what the API, the CLI and the worker entry points take from the
 * rest of the system. They reach queues, engines and detection only through here (an ESLint rule
 * keeps it so; type imports are free), so how processes are wired is decided in this folder.
 */
export { openMigratedDb, openIngestQueue } from './services.ts';
export type { IngestQueueHandle } from './services.ts';
export { openApiQueues } from './api-queues.ts';
export type { ApiQueues } from './api-queues.ts';
export { detectDeps, closeEngines } from './detection.ts';
export { enqueueScan, runScanHere } from './scans.ts';
export { withQueues } from './queues.ts';
export { startWorkers, runWorkerProcess, WORKER_ROLES } from './workers.ts';
export type { WorkerRole, RunningWorkers } from './workers.ts';
export { produceIngest, waitForBatch } from '../queue/ingest-producer.ts';
export { RedisQueue } from '../queue/job-queue.ts';
export { ALL_QUEUES } from '../queue/names.ts';
export { RedisUnreachableError } from '../queue/redis.ts';
