import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/config.ts';
import type { Logger } from '../logger.ts';
import { ALL_QUEUES } from '../queue/names.ts';
import type { QueueName } from '../queue/names.ts';
import { checkRedis, createRedis } from '../queue/redis.ts';

/**
 * BullMQ queue handles. This folder is the only place that builds queues: the names are in
 * queue/names.ts, the job ids in queue/job-ids.ts, the job options in queue/job-options.ts.
 */

/** A queue whose connection errors (Redis restarting) are logged, not printed raw: it reconnects on its own. */
export function loggedQueue(name: QueueName, conn: Redis, prefix: string, log: Logger): Queue {
  const q = new Queue(name, { connection: conn, prefix });
  q.on('error', (err) => log.warn({ err, queue: name }, 'queue connection error'));
  return q;
}

/** Handles on every queue (dashboards, depth metrics, the `jobs` command). */
export function allQueues(conn: Redis, prefix: string, log: Logger, names: readonly QueueName[] = ALL_QUEUES): Queue[] {
  return names.map((n) => loggedQueue(n, conn, prefix, log));
}

/** Open a Redis connection and queue handles for a short admin task, then close both. */
export async function withQueues<T>(config: Config, log: Logger, names: readonly QueueName[], fn: (queues: Queue[]) => Promise<T>): Promise<T> {
  if (!config.redisUrl) throw new Error('needs REDIS_URL');
  await checkRedis(config.redisUrl);
  const conn = createRedis(config.redisUrl);
  const queues = allQueues(conn, config.queuePrefix, log, names);
  try {
    return await fn(queues);
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    conn.disconnect();
  }
}
