// A route's error answers as response schemas: one per status, its `code` limited to the route's codes.
import { ERRORS, type ErrorCode } from '../errors.js';
import { answer } from './schemas.js';

/** What each code tells a client, as the API documentation says it. */
export const ERROR_MEANINGS: Readonly<Record<ErrorCode, string>> = {
  invalid_json:
    'the body, query or frame is not acceptable: not JSON, a field missing, of the wrong type or out of range (`message` says which rule)',
  invalid_message: 'the text is empty or blank',
  message_too_long: 'the text is over the configured limit (default 4096 characters)',
  user_already_exists: 'the login is taken (logins are unique regardless of case)',
  user_not_found: 'no user has that login or id',
  wrong_credentials: 'the password does not match',
  room_not_found:
    'the room does not exist, the caller is not a member, or the id is not a positive integer',
  too_many_rooms: 'the caller has created as many rooms as allowed',
  bad_request: 'the request is not valid HTTP or a valid WebSocket handshake',
  unauthorized: 'the session is missing, malformed, unknown, logged out or expired',
  forbidden_origin: "the request comes from another site's page",
  not_found: 'no such path',
  method_not_allowed: 'the path exists, the method does not (`Allow` lists the methods)',
  request_timeout:
    'the headers or the whole request did not arrive in time (`HTTP_HEADERS_TIMEOUT_SECONDS`, `HTTP_REQUEST_TIMEOUT_SECONDS`)',
  precondition_failed: "a static file's If-Match or If-Unmodified-Since is not met",
  payload_too_large: 'the body is over the configured limit (default 64 KiB)',
  range_not_satisfiable: 'a file of the docs page was asked for a range it does not have',
  upgrade_required: 'this path speaks WebSocket: connect with a WebSocket client',
  too_many_requests: 'a rate limit was hit: retry after `Retry-After` seconds',
  headers_too_large: 'the URL and headers are over 16 KiB',
  internal_error: 'something unexpected failed on the server',
  unavailable: 'storage is unreachable or the server is shutting down: retry later',
};

/** Any request may meet these: a fault, storage out of reach, or a server shutting down. */
const ANY_REQUEST: readonly ErrorCode[] = ['internal_error', 'unavailable'];

const RETRY_AFTER = {
  'Retry-After': { type: 'integer', description: 'seconds to wait before trying again' },
} as const;

/** The `error` member of an error body (or frame), its `code` one of these. */
export function errorMember(codes: readonly ErrorCode[]) {
  return {
    type: 'object',
    required: ['code'],
    properties: {
      code: { type: 'string', enum: codes },
      message: { type: 'string', description: 'a hint for people; may change' },
    },
  } as const;
}

function errorBody(codes: readonly ErrorCode[]) {
  return {
    type: 'object',
    required: ['error'],
    properties: { error: errorMember(codes) },
  } as const;
}

function describe(codes: readonly ErrorCode[]): string {
  return codes.map((code) => `\`${code}\`: ${ERROR_MEANINGS[code]}`).join('; ');
}

/**
 * Response schemas for these codes and those of any request, by status. They also serialise the
 * errors, so they describe exactly the body the error handler sends.
 */
export function errorResponses(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...codes, ...ANY_REQUEST])) {
    byStatus.set(ERRORS[code], [...(byStatus.get(ERRORS[code]) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      status,
      {
        ...answer(describe(group), errorBody(group)),
        ...(group.includes('too_many_requests') ? { headers: RETRY_AFTER } : {}),
      },
    ]),
  );
}
