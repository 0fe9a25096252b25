import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { ingestRepository } from '../../db/ingest-repository.ts';
import { INPUT_FORMATS, InputError, readRecordBatches } from '../../ingest/index.ts';
import type { InputFormat } from '../../ingest/index.ts';
import { produceIngest } from '../../app/index.ts';
import { actorOf, requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import type { ApiDeps } from '../types.ts';
import { batchSchema, errorSchema, errors, text } from '../schemas.ts';

/**
 * Bytes a gzip body expands to, counted without keeping them, stopping as soon as `cap` is
 * passed (a 1 MB body of zeros or newlines can expand a thousandfold). A corrupt tail just
 * stops the count: the reader reports it as a rejected record.
 */
export function gunzippedSize(
  body: Buffer,
  cap: number,
): Promise<{ bytes: number; over: boolean }> {
  return new Promise((resolve) => {
    const gz = zlib.createGunzip();
    let bytes = 0;
    let done = false;
    const finish = (over: boolean) => {
      if (done) return;
      done = true;
      gz.destroy();
      resolve({ bytes, over });
    };
    gz.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes > cap) finish(true);
    });
    gz.on('end', () => finish(false));
    gz.on('error', () => finish(false));
    gz.end(body);
  });
}

const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Formats a request body can carry (a folder cannot). */
const BODY_FORMATS = INPUT_FORMATS.filter((f) => f !== 'ira-by-author' && f !== 'csv');

const INGEST_TYPES = [
  'application/x-ndjson',
  'application/jsonl',
  'application/json',
  'application/gzip',
  'application/octet-stream',
  'text/csv',
  'text/plain',
];

/**
 * POST /v1/posts: producers send NDJSON (or any file format the CLI reads, gzip or not);
 * the body goes through the same adapters, limits and ingest queue as `coordwatch ingest`.
 */
export async function ingestRoutes(root: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { config, db, queues } = deps;
  // in this scope only: bodies are raw bytes for the adapters, up to the ingest limit
  app.removeContentTypeParser('application/json');
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    INGEST_TYPES,
    { parseAs: 'buffer', bodyLimit: config.api.ingestBodyLimit },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/v1/posts',
    {
      preHandler: requireRole('ingest'),
      bodyLimit: config.api.ingestBodyLimit,
      schema: {
        tags: ['ingest'],
        summary: 'Ingest posts: canonical NDJSON (or another format the CLI reads) in the body',
        description: `Content types: ${INGEST_TYPES.join(', ')}. Gzip is detected; a gzip body may expand to at most API_INGEST_MAX_DECOMPRESSED bytes (else 413 \`decompressed_too_large\`). Records that cannot be read are stored with their reason, as with the CLI. 200 when the batch is done, 202 while workers still run its chunks (poll GET /v1/batches/{id}).`,
        querystring: z.strictObject({
          format: z.enum(BODY_FORMATS as [InputFormat, ...InputFormat[]]).optional(),
          platform: text(50).min(1).default('x'),
        }),
        response: {
          200: z
            .object({ batch: batchSchema.nullable(), records: z.number().int(), ms: z.number() })
            .meta({ id: 'IngestResult' }),
          202: z.object({
            batch: batchSchema.nullable(),
            records: z.number().int(),
            ms: z.number(),
          }),
          ...errors,
          413: errorSchema.describe('the body, or what a gzip body expands to, is over the limit'),
          415: errorSchema.describe('a content type the route does not take'),
        },
      },
    },
    async (req, reply) => {
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0)
        throw new ApiError(400, 'empty_body', 'the body holds no records');
      const started = Date.now();
      if (isGzip(body)) {
        const cap = config.api.ingestMaxDecompressed;
        const size = await gunzippedSize(body, cap);
        if (size.over) {
          req.log.warn(
            { compressed: body.length, read: size.bytes, cap },
            'gzip body over the decompressed limit',
          );
          throw new ApiError(
            413,
            'decompressed_too_large',
            `the gzip body expands past the ${cap}-byte limit (API_INGEST_MAX_DECOMPRESSED); ${size.bytes} bytes read from ${body.length} compressed before stopping`,
            {
              limit: cap,
              decompressed_bytes_read: size.bytes,
              compressed_bytes: body.length,
            },
          );
        }
      }
      let produced;
      try {
        const records = readRecordBatches(Readable.from([body]), {
          format: req.query.format,
          name: 'http',
          defaultPlatform: req.query.platform,
          maxTextBytes: config.ingest.maxTextBytes,
          maxLineBytes: config.ingest.maxLineBytes,
          // already checked above; the reader enforces the same cap on its own inflate
          maxDecompressedBytes: config.api.ingestMaxDecompressed,
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
        throw new ApiError(400, 'unreadable_input', produced.readError.message, {
          batch_id: produced.batchId,
        });
      }
      if (queues.mode === 'inline') await queues.ingest.drain();
      await queues.afterIngest();
      const batch = await ingestRepository(db.kysely).getBatch(produced.batchId);
      const done = batch?.status !== 'running';
      return reply
        .status(done ? 200 : 202)
        .send({ batch: batch ?? null, records: produced.records, ms: Date.now() - started });
    },
  );
}
