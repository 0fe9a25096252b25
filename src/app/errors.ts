// The app's errors the CLI tells apart (exit codes), without loading the app itself: the
// CLI imports this file, not ./index.ts, so a command that never starts a worker or opens a
// database does not load queues, processors, ioredis, pg or the detection engine.
export { RedisUnreachableError } from '../queue/errors.ts';
export { DbUnreachableError, MigrationError } from '../db/errors.ts';
