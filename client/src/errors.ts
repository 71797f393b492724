// Errors as values: every failure the library reports is a ChatError carrying SPEC.md's code.

/** The codes of SPEC.md; `network` and `bad_response` are the client's own (no answer, or not JSON). */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_message'
  | 'message_too_long'
  | 'user_already_exists'
  | 'user_not_found'
  | 'wrong_credentials'
  | 'room_not_found'
  | 'too_many_rooms'
  | 'unauthorized'
  | 'forbidden_origin'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'internal_error'
  | 'unavailable'
  | 'network'
  | 'bad_response';

/** Codes after which the same request may succeed later, unchanged. */
const RETRYABLE = new Set<string>([
  'too_many_requests',
  'unavailable',
  'internal_error',
  'network',
]);

export interface ChatErrorDetails {
  /** HTTP status; 0 when no answer came (network) or the error came on a WebSocket. */
  readonly status?: number;
  /** Seconds the server asked to wait (`Retry-After`). */
  readonly retryAfter?: number;
  readonly message?: string;
  readonly cause?: unknown;
}

export class ChatError extends Error {
  override readonly name = 'ChatError';
  /** A SPEC.md code; a code this version does not know yet is passed through as it came. */
  readonly code: ErrorCode | (string & {});
  readonly status: number;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode | (string & {}), details: ChatErrorDetails = {}) {
    super(details.message ?? code, details.cause === undefined ? {} : { cause: details.cause });
    this.code = code;
    this.status = details.status ?? 0;
    this.retryAfter = details.retryAfter;
  }

  /** Whether sending the same request again may succeed (rate limit, outage, no connection). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code) || this.status >= 500;
  }
}

export function isChatError(error: unknown, code?: ErrorCode): error is ChatError {
  return error instanceof ChatError && (code === undefined || error.code === code);
}
