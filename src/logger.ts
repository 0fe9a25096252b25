import pino from 'pino';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';

export type { Logger };

/**
 * Root logger: JSON lines by default, pretty in a terminal. Always writes to stderr so
 * stdout stays clean for command output. Tests pass `destination` to write to a file.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  destination?: string,
): Logger {
  if (destination) {
    return pino({ level: config.logLevel }, pino.destination({ dest: destination, sync: true, mkdir: true }));
  }
  if (config.logFormat === 'pretty') {
    return pino({
      level: config.logLevel,
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname' } },
    });
  }
  return pino({ level: config.logLevel }, pino.destination(2));
}

/** Silent logger for library-style use and tests that do not care. */
export const nullLogger: Logger = pino({ level: 'silent' });
