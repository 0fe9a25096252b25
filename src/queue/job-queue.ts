import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PayloadError } from './payloads.ts';

/**
 * Where producers put work. Two implementations: BullMQ on Redis (production) and an
 * in-process runner (embedded default) that calls the same processor with the same
 * retry policy.
 */
export interface JobQueue {
  readonly mode: 'redis' | 'inline';
  /** Resolves once the job is accepted (inline: once it ran, so the producer is paced by the writer). */
  add(jobId: string, data: unknown): Promise<void>;
  /** Jobs not yet finished (waiting, delayed, active). */
  pending(): Promise<number>;
  /** Wait until every job added so far has finished; inline only rethrows the first final failure. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export type Processor = (data: unknown, jobId: string) => Promise<unknown>;

/** A bad payload is final; anything else is worth another attempt. */
export function isFinal(err: unknown): boolean {
  return err instanceof PayloadError || err instanceof UnrecoverableError;
}

export class InlineQueue implements JobQueue {
  readonly mode = 'inline' as const;
  private running = new Set<Promise<void>>();
  private failures: Error[] = [];

  constructor(
    private processor: Processor,
    private policy: RetryPolicy,
    private concurrency: number,
    private log: Logger,
  ) {}

  async add(jobId: string, data: unknown): Promise<void> {
    while (this.running.size >= this.concurrency) await Promise.race(this.running);
    const p = this.run(jobId, data).finally(() => this.running.delete(p));
    this.running.add(p);
  }

  private async run(jobId: string, data: unknown): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.processor(data, jobId);
        return;
      } catch (err) {
        const e = err as Error;
        if (isFinal(err) || attempt >= this.policy.attempts) {
          this.log.error({ err: e, jobId, attempt }, 'job failed');
          this.failures.push(e);
          return;
        }
        const wait = this.policy.backoffMs * 2 ** (attempt - 1);
        this.log.warn({ err: e, jobId, attempt, wait }, 'job failed, retrying');
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  async pending(): Promise<number> {
    return this.running.size;
  }

  get failed(): readonly Error[] {
    return this.failures;
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  async close(): Promise<void> {
    await this.drain();
  }
}

export class RedisQueue implements JobQueue {
  readonly mode = 'redis' as const;
  readonly queue: Queue;

  constructor(
    name: string,
    connection: Redis,
    prefix: string,
    private policy: RetryPolicy,
  ) {
    this.queue = new Queue(name, { connection, prefix });
  }

  async add(jobId: string, data: unknown): Promise<void> {
    await this.queue.add('chunk', data, {
      jobId,
      attempts: this.policy.attempts,
      backoff: { type: 'exponential', delay: this.policy.backoffMs },
      removeOnComplete: { age: 3600, count: 1000 },
      // failed jobs stay, with their reason, for `coordwatch jobs failed`
      removeOnFail: false,
    });
  }

  async pending(): Promise<number> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  async drain(): Promise<void> {
    while ((await this.pending()) > 0) await new Promise((r) => setTimeout(r, 100));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** A BullMQ worker around a processor; bad payloads become UnrecoverableError (no retry loop). */
export function createBullWorker(opts: {
  name: string;
  connection: Redis;
  prefix: string;
  concurrency: number;
  processor: Processor;
  log: Logger;
  lockMs?: number;
}): Worker {
  const worker = new Worker(
    opts.name,
    async (job: Job) => {
      try {
        return await opts.processor(job.data, job.id ?? '?');
      } catch (err) {
        if (err instanceof PayloadError) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      autorun: true,
      // a SIGKILLed worker's job is found stalled and retried after about this long
      lockDuration: opts.lockMs ?? 30_000,
      stalledInterval: opts.lockMs ?? 30_000,
      maxStalledCount: 5,
    },
  );
  worker.on('failed', (job, err) => {
    opts.log.error(
      { err, jobId: job?.id, attemptsMade: job?.attemptsMade, final: job ? job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError : true },
      'job failed',
    );
  });
  worker.on('error', (err) => opts.log.warn({ err }, 'worker connection error'));
  return worker;
}
