// The WebSocket handshake checked before anything else, so a refusal is our JSON, not ws's HTML.
import type { IncomingMessage } from 'node:http';
import { AppError, RateLimitedError } from '../errors.js';

/** RFC 6455 §4.2.1: a base64-encoded 16-byte nonce. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;
const VERSIONS = new Set(['8', '13']);

/** Headers a refusal carries besides the error: a 405 names the one method allowed, a 429 when to retry. */
export function refusalHeaders(error: AppError): Record<string, string> {
  if (error instanceof RateLimitedError) return { 'retry-after': String(error.retryAfterSeconds) };
  return error.code === 'method_not_allowed' ? { allow: 'GET' } : {};
}

/** Throws the refusal a client should get when the request is not a WebSocket handshake ws accepts. */
export function checkHandshake(request: IncomingMessage): void {
  if (request.method !== 'GET') {
    throw new AppError('method_not_allowed', 'a WebSocket opens with GET');
  }
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') {
    throw new AppError('bad_request', 'only WebSocket upgrades are served');
  }
  const key = request.headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key)) {
    throw new AppError('bad_request', 'missing or invalid Sec-WebSocket-Key');
  }
  if (!VERSIONS.has(request.headers['sec-websocket-version']?.trim() ?? '')) {
    throw new AppError('bad_request', 'Sec-WebSocket-Version must be 13');
  }
}
