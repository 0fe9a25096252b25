import type { WorkerRole } from '../src/app/workers.ts';

/**
 * The body of every `workers/<role>.ts` process: config from the environment, a named
 * logger, the role's workers until SIGTERM. Imports are dynamic so DOTENV_CONFIG_QUIET is
 * set before `natural` loads.
 */
export async function runRole(role: WorkerRole): Promise<void> {
  process.env.DOTENV_CONFIG_QUIET ??= 'true';
  const { loadConfig } = await import('../config/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { runWorkerProcess } = await import('../src/app/workers.ts');
  try {
    const config = loadConfig(process.env);
    const log = createLogger(config).child({ name: `worker.${role}` });
    await runWorkerProcess(config, log, [role]);
  } catch (err) {
    process.stderr.write(`coordwatch worker ${role}: ${(err as Error).message}\n`);
    process.exitCode = (err as Error).name.endsWith('UnreachableError') ? 3 : 1;
  }
}
