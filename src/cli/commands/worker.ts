import type { Command } from 'commander';
import { runWorkerProcess, WORKER_ROLES } from '../../app/workers.ts';
import type { WorkerRole } from '../../app/workers.ts';
import { cliContext, runCommand, UsageError } from '../context.ts';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(`run queue workers against REDIS_URL and the database (roles: ${WORKER_ROLES.join(', ')}, all)`)
    .argument('<role>', 'worker role')
    .action((role: string) =>
      runCommand(async () => {
        const roles: readonly WorkerRole[] =
          role === 'all' ? WORKER_ROLES : WORKER_ROLES.includes(role as WorkerRole) ? [role as WorkerRole] : [];
        if (roles.length === 0) throw new UsageError(`unknown worker role "${role}"; use one of ${WORKER_ROLES.join(', ')}, all`);
        const { config, log } = cliContext();
        await runWorkerProcess(config, log, roles);
      }),
    );
}
