import type { RetryPolicy } from './job-queue.ts';

/** Completed jobs go at once, so a window's id is free for the next chunk; failed ones stay, with their reason. */
export const jobOptions = (p: RetryPolicy) => ({
  attempts: p.attempts,
  backoff: { type: 'exponential' as const, delay: p.backoffMs },
  removeOnComplete: true,
  removeOnFail: false,
});
