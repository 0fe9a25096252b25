import { ConfigError } from '../../config/errors.ts';
import type { Config } from '../../config/config.ts';
import { DbUnreachableError, MigrationError, RedisUnreachableError } from '../app/errors.ts';

/*
 * The CLI's runner: exit codes, usage errors, verbosity and runCommand. It loads no service
 * client (config, pg, ioredis, pino stay unloaded), so file-only commands (`networks`, `eval`,
 * `simulate`) and main.ts import it without ~50 MB of modules; context.ts adds the config and
 * the logger for commands that talk to services.
 */

/** Exit codes: 0 done, 1 unexpected failure, 2 bad usage or unreadable input, 3 a service is unreachable. */
export const EXIT = { ok: 0, failure: 1, input: 2, service: 3 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Commands that run until stopped: their logs are their output, so they log at LOG_LEVEL (info). */
const SERVICE_COMMANDS = new Set(['worker', 'serve']);

export interface Verbosity {
  /** -v: info, -vv: debug */
  verbose: number;
  quiet: boolean;
  command: string;
}

let verbosity: Verbosity = { verbose: 0, quiet: false, command: '' };

/** Set once by main.ts from the global -v / -q flags before the command runs. */
export function setVerbosity(v: Verbosity): void {
  verbosity = v;
}

/** The verbosity main.ts set (context.ts reads it for the log level). */
export const verbosityNow = (): Verbosity => verbosity;

/**
 * The log level of a command: an explicit LOG_LEVEL wins; then -q (errors only) and -v/-vv
 * (info/debug); otherwise one-shot commands log at `warn` — they end with a summary, and
 * a line per detected window (170 for 200 tweets) would bury it — while `worker` and
 * `serve` log at `info`.
 */
export function cliLogLevel(env: NodeJS.ProcessEnv, v: Verbosity): Config['logLevel'] {
  const explicit = env.LOG_LEVEL?.trim();
  if (explicit) return explicit as Config['logLevel'];
  if (v.quiet) return 'error';
  if (v.verbose >= 2) return 'debug';
  if (v.verbose === 1 || SERVICE_COMMANDS.has(v.command)) return 'info';
  return 'warn';
}

/** Whether the command may print progress lines (not under -q). */
export const quietOutput = () => verbosity.quiet;

/** Run a command body; turn known failures into a message and an exit code, never a stack trace. */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? EXIT.ok;
  } catch (err) {
    const e = err as Error;
    let code: number = EXIT.failure;
    if (e instanceof ConfigError || e instanceof UsageError || e.name === 'InputError')
      code = EXIT.input;
    else if (e instanceof DbUnreachableError || e instanceof RedisUnreachableError)
      code = EXIT.service;
    else if (e instanceof MigrationError) code = EXIT.failure;
    process.stderr.write(`coordwatch: ${e.message}\n`);
    if (code === EXIT.failure && process.env.COORDWATCH_DEBUG) process.stderr.write(`${e.stack}\n`);
    process.exitCode = code;
  }
}
