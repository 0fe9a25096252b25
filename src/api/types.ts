import type { Config } from '../../config/config.ts';
import type { Db } from '../db/connection.ts';
import type { ApiKeyInfo } from '../db/api-key-repository.ts';
import type { Logger } from '../logger.ts';
import type { ApiQueues } from '../app/api-queues.ts';

export type { ApiQueues };

export interface ApiDeps {
  config: Config;
  db: Db;
  queues: ApiQueues;
  log: Logger;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the API key the request presented (set by the auth hook) */
    apiKey: ApiKeyInfo | null;
    /** how the key came: a header (API clients) or the console's cookie */
    authVia: 'header' | 'cookie' | null;
  }
}
