// The app's errors the CLI tells apart (exit codes), without loading the app itself: the
// CLI imports this file, not ./index.ts, so a command that never starts a worker does not
// load queues, processors and the detection engine at startup.
export { RedisUnreachableError } from '../queue/redis.ts';
