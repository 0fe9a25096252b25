import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config/config.ts';

describe('loadConfig', () => {
  it('gives the embedded default with an empty environment', () => {
    const c = loadConfig({}, '/srv/cw');
    expect(c.databaseUrl).toBeNull();
    expect(c.redisUrl).toBeNull();
    expect(c.dataDir).toBe('/srv/cw/data');
    expect(c.ingest.chunkSize).toBe(5000);
    expect(c.logLevel).toBe('info');
  });

  it('reads every variable', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/cw',
      REDIS_URL: 'redis://r:6379',
      DATA_DIR: '/var/cw',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      INGEST_CHUNK_SIZE: '2000',
      INGEST_CONCURRENCY: '4',
    });
    expect(c).toMatchObject({
      databaseUrl: 'postgres://u:p@db:5432/cw',
      redisUrl: 'redis://r:6379',
      dataDir: '/var/cw',
      logLevel: 'debug',
      logFormat: 'json',
      ingest: { chunkSize: 2000, concurrency: 4 },
    });
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL', 'expected postgres://'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', 'not a URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL', 'expected redis://'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'loud'],
    [{ INGEST_CHUNK_SIZE: '0' }, 'INGEST_CHUNK_SIZE', 'from 1 to'],
    [{ INGEST_CONCURRENCY: 'two' }, 'INGEST_CONCURRENCY', '"two"'],
    [{ QUEUE_PREFIX: 'has space' }, 'QUEUE_PREFIX', 'letters'],
  ])('stops on a bad value and names the variable: %o', (env, variable, fragment) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as Error).message).toContain(variable);
    expect((err as Error).message).toContain(fragment);
  });

  it('never prints a password from a bad URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@x/y' })).toThrow(/user:\*\*\*@/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@x/y' })).not.toThrow(/hunter2/);
  });
});
