// The one place where any error becomes an HTTP status and `{"error":{"code":...}}`.
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/** Fastify's own errors that mean the body was not acceptable JSON. */
const BODY_ERRORS = new Set([
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
]);

export function toAppError(error: FastifyError | AppError | Error): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return new AppError('invalid_json', fastifyError.message);
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('payload_too_large');
  if (BODY_ERRORS.has(fastifyError.code) || error instanceof SyntaxError) {
    return new AppError('invalid_json', 'body is not valid JSON');
  }
  if (fastifyError.statusCode === 404) return new AppError('not_found');
  return new AppError('internal_error');
}

export function useErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.code === 'internal_error') request.log.error({ err: error }, 'request failed');
    return reply.status(appError.status).send(appError.toJSON());
  });
  app.setNotFoundHandler((_request, reply) => {
    const error = new AppError('not_found');
    return reply.status(error.status).send(error.toJSON());
  });
}
