// The one place where any error becomes an HTTP status and `{"error":{"code":...}}`.
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { AppError, type ErrorCode, RateLimitedError, rawErrorResponse } from '../errors.js';

/** Fastify's own errors that mean the body was not acceptable JSON. */
const BODY_ERRORS = new Set([
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
]);

/**
 * Client errors raised with a status only: a body the client stopped sending (400), and the
 * refusals of the docs page's static files (a path leaving its folder, a validator or a range
 * the file cannot meet).
 */
const CLIENT_ERRORS: Readonly<Record<number, ErrorCode>> = {
  400: 'bad_request',
  403: 'not_found',
  404: 'not_found',
  412: 'precondition_failed',
  416: 'range_not_satisfiable',
};

function toAppError(error: FastifyError | AppError | Error): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return new AppError('invalid_json', fastifyError.message);
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('payload_too_large');
  if (BODY_ERRORS.has(fastifyError.code) || error instanceof SyntaxError) {
    return new AppError('invalid_json', 'body is not valid JSON');
  }
  if (fastifyError.code === 'FST_ERR_BAD_URL') {
    return new AppError('bad_request', 'the URL is not validly percent-encoded');
  }
  const clientError = CLIENT_ERRORS[fastifyError.statusCode ?? 0];
  return new AppError(clientError ?? 'internal_error');
}

function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error instanceof RateLimitedError) reply.header('retry-after', error.retryAfterSeconds);
  return reply.status(error.status).send(error.toJSON());
}

/** A socket of Node's HTTP server, with the response it is writing, if any. */
type HttpSocket = Duplex & { _httpMessage?: { headersSent: boolean } | null };

/** What a request Node's parser gave up on is answered; undefined when the client left. */
export function clientErrorAnswer(error: Error & { code?: string }): AppError | undefined {
  if (error.code === 'ECONNRESET') return undefined;
  if (error.code === 'HPE_HEADER_OVERFLOW') return new AppError('headers_too_large');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new AppError('request_timeout');
  return new AppError('bad_request', 'the request is not valid HTTP');
}

/**
 * Requests Node's HTTP parser refuses (headers over 16 KiB, broken syntax, too slow) get JSON too, unless
 * a response to the request has begun (a bad URL answered before the parser failed on the rest):
 * a second response would follow the first on the wire. Node's own handler checks the same.
 */
function answerClientError(error: Error & { code?: string }, socket: HttpSocket): void {
  const answer = clientErrorAnswer(error);
  if (!answer || socket.destroyed) return;
  if (socket.writable && !socket._httpMessage?.headersSent) socket.write(rawErrorResponse(answer));
  socket.destroy(error);
}

/** Options for Fastify() itself: errors raised before routing (bad URLs, bad HTTP). */
export const errorServerOptions = {
  frameworkErrors: (error: FastifyError, _request: unknown, reply: FastifyReply) =>
    sendError(reply, toAppError(error)),
  clientErrorHandler: answerClientError,
} satisfies FastifyServerOptions;

export function useErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.code === 'internal_error') request.log.error({ err: error }, 'request failed');
    return sendError(reply, appError);
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, new AppError('not_found')));
}
