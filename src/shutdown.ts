import type { Config } from '../config/config.ts';
import type { Logger } from './logger.ts';

/**
 * Wait for SIGTERM/SIGINT, then close gracefully (`close` stops taking work and finishes
 * what is in flight); force-exit after the shutdown timeout. Sets `process.exitCode`.
 */
export function untilSignal(
  config: Pick<Config, 'shutdownTimeoutMs'>,
  log: Logger,
  close: () => Promise<void>,
  inFlight = 'finishing the work in flight',
): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, `shutting down: ${inFlight}`);
      const timer = setTimeout(() => {
        log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs);
      timer.unref();
      close().then(
        () => {
          process.exitCode = 0;
          resolve();
        },
        (err: unknown) => {
          log.error({ err }, 'error while shutting down');
          process.exitCode = 1;
          resolve();
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
