import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/config.ts';
import type { Db } from '../db/connection.ts';
import type { Logger } from '../logger.ts';
import { openMigratedDb } from '../app/services.ts';
import { buildApi } from './app.ts';
import { openApiQueues } from '../app/api-queues.ts';
import type { ApiQueues } from './types.ts';

export interface RunningApi {
  app: FastifyInstance;
  db: Db;
  queues: ApiQueues;
  /** http://host:port */
  url: string;
  /** stop taking requests, finish the ones in flight and background work, close queues and the pool */
  close(): Promise<void>;
}

/** Open the database and queues, build the API and listen. `db` may be handed in (the demo). */
export async function startApi(config: Config, log: Logger, opts: { db?: Db; port?: number; host?: string } = {}): Promise<RunningApi> {
  const db = opts.db ?? (await openMigratedDb(config, log));
  let queues: ApiQueues | null = null;
  try {
    queues = await openApiQueues(config, db, log);
    const app = await buildApi({ config, db, queues, log });
    const host = opts.host ?? config.api.host;
    await app.listen({ port: opts.port ?? config.api.port, host });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.api.port;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const url = `http://${shownHost}:${port}`;
    log.info({ url, db: db.kind, queues: queues.mode }, 'api listening');
    let closing: Promise<void> | null = null;
    const q = queues;
    return {
      app,
      db,
      queues: q,
      url,
      close: () =>
        (closing ??= (async () => {
          await app.close();
          await q.close();
          if (!opts.db) await db.close();
        })()),
    };
  } catch (err) {
    await queues?.close().catch(() => {});
    if (!opts.db) await db.close().catch(() => {});
    throw err;
  }
}

export { untilSignal } from '../shutdown.ts';
