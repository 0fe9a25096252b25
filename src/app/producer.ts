/**
 * What `coordwatch ingest` (the producer) takes from the app: the producer loop, the batch wait and
 * the Redis queue class. A front of its own, not ./index.ts, so the producer does not load the
 * workers, the scans and the detection engine that index.ts also exports (about 100 modules and
 * seconds of CPU before it reads a byte).
 */
export { produceIngest, waitForBatch } from '../queue/ingest-producer.ts';
export { RedisQueue } from '../queue/job-queue.ts';
