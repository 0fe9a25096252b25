import { loadConfig } from '../../config/config.ts';
import type { Config } from '../../config/config.ts';
import { createLogger } from '../logger.ts';
import type { Logger } from '../logger.ts';
import { cliLogLevel, verbosityNow } from './run.ts';

export * from './run.ts';

export interface CliContext {
  config: Config;
  log: Logger;
}

export function cliContext(): CliContext {
  const config = loadConfig(process.env);
  config.logLevel = cliLogLevel(process.env, verbosityNow());
  const log = createLogger(config).child({ name: 'cli' });
  return { config, log };
}
