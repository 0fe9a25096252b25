import type { Command } from 'commander';
import type { Queue } from 'bullmq';
import { withQueues } from '../../app/queues.ts';
import { ALL_QUEUES } from '../../app/index.ts';
import type { QueueName } from '../../queue/names.ts';
import { cliContext, runCommand, UsageError } from '../context.ts';
import { safe, table } from '../format.ts';

/** The dead-letter view: failed jobs of every queue, with their reason; retry one or all. */
export function registerJobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('queue jobs: failed ones (the dead letters) and retrying them; needs REDIS_URL');

  jobs
    .command('failed')
    .description('list failed jobs with their reason and attempts')
    .option('--queue <name>', `one queue (${ALL_QUEUES.join(', ')})`)
    .option('-n, --limit <n>', 'how many per queue', '50')
    .option('--json', 'JSON output')
    .action((flags: { queue?: string; limit: string; json?: boolean }) =>
      runCommand(() =>
        onQueues(flags.queue, async (queues) => {
          const limit = Number(flags.limit);
          if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive integer, got "${flags.limit}"`);
          const rows: { queue: string; id: string; name: string; attempts: number; failedAt: string; reason: string; data: unknown }[] = [];
          for (const q of queues) {
            for (const j of await q.getFailed(0, limit - 1)) {
              rows.push({ queue: q.name, id: j.id ?? '?', name: j.name, attempts: j.attemptsMade, failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : '', reason: j.failedReason ?? '', data: summary(j.data) });
            }
          }
          if (flags.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
          if (rows.length === 0) return void process.stdout.write('no failed jobs\n');
          process.stdout.write(
            table([['queue', 'job', 'attempts', 'failed at', 'reason'], ...rows.map((r) => [r.queue, safe(r.id, 48), r.attempts, r.failedAt.slice(0, 19), safe(r.reason, 120)])]) +
              '\n' +
              'retry: coordwatch jobs retry <queue> <job id|all>\n',
          );
        }),
      ),
    );

  jobs
    .command('retry')
    .description('move failed jobs back to waiting (one by id, or all of a queue)')
    .argument('<queue>', `queue (${ALL_QUEUES.join(', ')})`)
    .argument('<id>', 'job id, or all')
    .action((queue: string, id: string) =>
      runCommand(() =>
        onQueues(queue, async ([q]) => {
          if (id === 'all') {
            const failed = await q!.getFailed(0, -1);
            for (const j of failed) await j.retry('failed');
            process.stdout.write(`${failed.length} jobs of ${q!.name} queued again\n`);
            return;
          }
          const j = await q!.getJob(id);
          if (!j) throw new UsageError(`no job "${id}" on the ${q!.name} queue`);
          if (!(await j.isFailed())) throw new UsageError(`job "${id}" is ${await j.getState()}, not failed`);
          await j.retry('failed');
          process.stdout.write(`job ${id} queued again\n`);
        }),
      ),
    );

  jobs
    .command('counts')
    .description('jobs per queue and state')
    .action(() =>
      runCommand(() =>
        onQueues(undefined, async (queues) => {
          const rows: (string | number)[][] = [['queue', 'waiting', 'delayed', 'active', 'completed', 'failed']];
          for (const q of queues) {
            const c = await q.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
            rows.push([q.name, c.waiting ?? 0, c.delayed ?? 0, c.active ?? 0, c.completed ?? 0, c.failed ?? 0]);
          }
          process.stdout.write(table(rows) + '\n');
        }),
      ),
    );
}

function summary(data: unknown): unknown {
  // ingest payloads carry thousands of posts: show the envelope only
  if (data && typeof data === 'object' && 'posts' in data) {
    const d = data as { batchId?: unknown; seq?: unknown; posts?: unknown };
    return { batchId: d.batchId, seq: d.seq, posts: Array.isArray(d.posts) ? d.posts.length : typeof d.posts };
  }
  return data;
}

async function onQueues(name: string | undefined, fn: (queues: Queue[]) => Promise<void>): Promise<void> {
  if (name !== undefined && !(ALL_QUEUES as readonly string[]).includes(name)) throw new UsageError(`unknown queue "${name}"; use one of ${ALL_QUEUES.join(', ')}`);
  const { config, log } = cliContext();
  if (!config.redisUrl) {
    throw new UsageError('jobs needs REDIS_URL: in the embedded default jobs run in-process and their failures are in the log');
  }
  await withQueues(config, log, name ? [name as QueueName] : ALL_QUEUES, fn);
}
