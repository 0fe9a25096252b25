import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../logger.ts';

/**
 * Errors the API answers with: a stable machine code, a message for people, nothing
 * else. Stack traces and SQL never leave the process; they go to the log.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const badRequest = (message: string, details?: unknown) =>
  new ApiError(400, 'invalid_request', message, details);

/** Fastify's own error codes, mapped to ours. */
const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large', 'request body is over the limit'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'unsupported content type'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'malformed_json', 'the JSON body is empty'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'invalid_request',
    'content-length does not match the body',
  ],
};

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * Pages a person opens (console, login, the queue dashboard) answer errors as a page; the
 * page renderer is passed in so this file does not depend on the console.
 */
export type ErrorPage = (req: FastifyRequest, status: number, message: string) => string;

const wantsPage = (req: FastifyRequest) =>
  /^\/(console\/|login|logout|admin\/queues\/?(\?|$))/.test(req.url) &&
  /text\/html/.test(String(req.headers.accept ?? ''));

export function makeErrorHandler(log: Logger, page?: ErrorPage) {
  const send = (req: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody) => {
    if (page && wantsPage(req))
      return reply
        .status(status)
        .type('text/html; charset=utf-8')
        .send(page(req, status, body.error.message));
    return reply.status(status).send(body);
  };
  return function handle(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
    if (err instanceof ApiError) {
      return send(req, reply, err.statusCode, errorBody(err.code, err.message, err.details));
    }
    const fe = err as FastifyError;
    if (fe.code && FASTIFY_CODES[fe.code]) {
      const [status, code, message] = FASTIFY_CODES[fe.code]!;
      return send(req, reply, status, errorBody(code, message));
    }
    if (fe.validation) {
      const details = fe.validation.map((v) => ({
        where: fe.validationContext,
        path: v.instancePath || undefined,
        message: v.message,
        params: v.params,
      }));
      return send(
        req,
        reply,
        400,
        errorBody(
          fe.validation[0]?.instancePath === '/cursor' ? 'invalid_cursor' : 'invalid_request',
          `invalid ${fe.validationContext ?? 'request'}: ${fe.validation[0]?.instancePath ?? ''} ${fe.validation[0]?.message ?? ''}`
            .replace(/\s+/g, ' ')
            .trim(),
          details,
        ),
      );
    }
    // a body the JSON parser could not read
    if (
      err instanceof SyntaxError ||
      fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      (fe.statusCode === 400 && /JSON/i.test(err.message))
    ) {
      return send(
        req,
        reply,
        400,
        errorBody('malformed_json', 'the request body is not valid JSON'),
      );
    }
    if (fe.statusCode === 429) {
      return send(req, reply, 429, errorBody('rate_limited', err.message || 'too many requests'));
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(
        req,
        reply,
        fe.statusCode,
        errorBody('invalid_request', 'the request could not be read'),
      );
    }
    log.error({ err, reqId: req.id, url: req.url, method: req.method }, 'request failed');
    return send(
      req,
      reply,
      500,
      errorBody(
        'internal',
        `internal error (request ${req.id}); the details are in the server log`,
      ),
    );
  };
}
