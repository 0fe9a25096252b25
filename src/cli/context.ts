import { ConfigError, loadConfig } from '../../config/config.ts';
import type { Config } from '../../config/config.ts';
import { DbUnreachableError, MigrationError } from '../db/connection.ts';
import { createLogger } from '../logger.ts';
import type { Logger } from '../logger.ts';
import { RedisUnreachableError } from '../queue/redis.ts';

/** Exit codes: 0 done, 1 unexpected failure, 2 bad usage or unreadable input, 3 a service is unreachable. */
export const EXIT = { ok: 0, failure: 1, input: 2, service: 3 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliContext {
  config: Config;
  log: Logger;
}

export function cliContext(): CliContext {
  const config = loadConfig(process.env);
  const log = createLogger(config).child({ name: 'cli' });
  return { config, log };
}

/** Run a command body; turn known failures into a message and an exit code, never a stack trace. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? EXIT.ok;
  } catch (err) {
    const e = err as Error;
    let code: number = EXIT.failure;
    if (e instanceof ConfigError || e instanceof UsageError || e.name === 'InputError') code = EXIT.input;
    else if (e instanceof DbUnreachableError || e instanceof RedisUnreachableError) code = EXIT.service;
    else if (e instanceof MigrationError) code = EXIT.failure;
    process.stderr.write(`coordwatch: ${e.message}\n`);
    if (code === EXIT.failure && process.env.COORDWATCH_DEBUG) process.stderr.write(`${e.stack}\n`);
    process.exitCode = code;
  }
}
