import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ingestRepository } from '../../db/ingest-repository.ts';
import { INPUT_FORMATS, InputError, readRecordBatches } from '../../ingest/index.ts';
import type { InputFormat } from '../../ingest/index.ts';
import { produceIngest } from '../../queue/ingest-producer.ts';
import { actorOf, requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import type { ApiDeps } from '../types.ts';

/** Formats a request body can carry (a folder cannot). */
const BODY_FORMATS = INPUT_FORMATS.filter((f) => f !== 'ira-by-author' && f !== 'csv');

const INGEST_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json', 'application/gzip', 'application/octet-stream', 'text/csv', 'text/plain'];

/**
 * POST /v1/posts: producers send NDJSON (or any file format the CLI reads, gzip or not);
 * the body goes through the same adapters, limits and ingest queue as `coordwatch ingest`.
 */
export async function ingestRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { config, db, queues } = deps;
  // in this scope only: bodies are raw bytes for the adapters, up to the ingest limit
  app.removeContentTypeParser('application/json');
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(INGEST_TYPES, { parseAs: 'buffer', bodyLimit: config.api.ingestBodyLimit }, (_req, body, done) => done(null, body));

  app.post<{ Querystring: { format?: InputFormat; platform?: string }; Body: Buffer }>(
    '/v1/posts',
    {
      preHandler: requireRole('ingest'),
      bodyLimit: config.api.ingestBodyLimit,
      schema: {
        tags: ['ingest'],
        summary: 'Ingest posts: canonical NDJSON (or another format the CLI reads) in the body',
        description: `Content types: ${INGEST_TYPES.join(', ')}. Gzip is detected. Records that cannot be read are stored with their reason, as with the CLI.`,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: BODY_FORMATS }, platform: { type: 'string', maxLength: 50, default: 'x' } },
        },
      },
    },
    async (req, reply) => {
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new ApiError(400, 'empty_body', 'the body holds no records');
      const started = Date.now();
      let produced;
      try {
        const records = readRecordBatches(Readable.from([body]), {
          format: req.query.format,
          name: 'http',
          defaultPlatform: req.query.platform ?? 'x',
          maxTextBytes: config.ingest.maxTextBytes,
          maxLineBytes: config.ingest.maxLineBytes,
        });
        produced = await produceIngest({
          db,
          queue: queues.ingest,
          records,
          source: `api:${actorOf(req)}`,
          format: req.query.format ?? null,
          fileName: null,
          chunkSize: config.ingest.chunkSize,
          maxQueued: config.ingest.maxQueuedChunks,
        });
      } catch (err) {
        if (err instanceof InputError) throw new ApiError(400, 'unreadable_input', err.message);
        throw err;
      }
      if (produced.readError && produced.chunks === 0) {
        throw new ApiError(400, 'unreadable_input', produced.readError.message, { batch_id: produced.batchId });
      }
      if (queues.mode === 'inline') await queues.ingest.drain();
      await queues.afterIngest();
      const batch = await ingestRepository(db.kysely).getBatch(produced.batchId);
      const done = batch?.status !== 'running';
      return reply.status(done ? 200 : 202).send({ batch, records: produced.records, ms: Date.now() - started });
    },
  );
}
