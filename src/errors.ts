// The catalogue of every error a client can see: a stable code and its HTTP status, in one place.
import { STATUS_CODES } from 'node:http';
import { API_HEADERS } from './response-headers.js';

export const ERRORS = {
  invalid_json: 422,
  invalid_message: 422,
  message_too_long: 422,
  user_already_exists: 422,
  user_not_found: 422,
  wrong_credentials: 422,
  room_not_found: 422,
  too_many_rooms: 422,
  bad_request: 400,
  unauthorized: 401,
  forbidden_origin: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  precondition_failed: 412,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  upgrade_required: 426,
  too_many_requests: 429,
  headers_too_large: 431,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An error meant for the client: its `code` is part of the API, its message is a hint. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message?: string) {
    super(message ?? code);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code];
  }

  toJSON(): ErrorBody {
    return errorBody(this.code, this.message === this.code ? undefined : this.message);
  }
}

interface ErrorBody {
  error: { code: ErrorCode; message?: string };
}

function errorBody(code: ErrorCode, message?: string): ErrorBody {
  return message === undefined ? { error: { code } } : { error: { code, message } };
}

/** A store or bus that cannot be reached: the request may succeed later. */
export class UnavailableError extends AppError {
  constructor(message = 'storage is unavailable') {
    super('unavailable', message);
  }
}

/** A rate limit was hit: the client may try again after `retryAfterSeconds`. */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests');
  }
}

/** A whole HTTP/1.1 error response, for sockets that never became a Fastify request. */
export function rawErrorResponse(
  error: AppError,
  extraHeaders: Record<string, string> = {},
): string {
  const body = JSON.stringify(error.toJSON());
  const headers = Object.entries({ ...API_HEADERS, ...extraHeaders }).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n` +
    'Connection: close\r\n' +
    'Content-Type: application/json; charset=utf-8\r\n' +
    headers.join('') +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}
