import { Redis } from 'ioredis';
import { redact } from '../../config/config.ts';

import { RedisUnreachableError } from './errors.ts';

export { RedisUnreachableError };

/**
 * A connection for BullMQ. Workers need `maxRetriesPerRequest: null` so a Redis restart
 * pauses them instead of failing their commands; they reconnect on their own.
 */
export function createRedis(url: string, opts: { forWorker?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: opts.forWorker ? null : 3,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 5000),
    lazyConnect: false,
  });
}

/** Fail fast at start-up when Redis is not there, with a message that says what to do. */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    throw new RedisUnreachableError(
      `cannot reach Redis at ${redact(url)}: ${(err as Error).message || 'connection refused'}. ` +
        'Start Redis or fix REDIS_URL; unset REDIS_URL to run jobs in-process.',
    );
  } finally {
    r.disconnect();
  }
}
