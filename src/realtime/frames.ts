// The client → server frame: `{"text": "...", "client_id": "..."}`; everything else it may carry is ignored.

import { isValidClientId } from '../domain/messages.js';
import { AppError, type ErrorCode } from '../errors.js';

/** Every code a room socket's error frame can carry (the protocol document lists these). */
export const ROOM_SOCKET_ERRORS = [
  'invalid_json',
  'invalid_message',
  'message_too_long',
  'too_many_requests',
  'unavailable',
] as const satisfies readonly ErrorCode[];

export type RoomSocketError = (typeof ROOM_SOCKET_ERRORS)[number];

export type ParsedFrame =
  | { readonly ok: true; readonly text: string; readonly clientId: string | null }
  | { readonly ok: false; readonly code: 'invalid_json'; readonly clientId: string | null };

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseFrame(data: Buffer, isBinary: boolean): ParsedFrame {
  if (isBinary) return { ok: false, code: 'invalid_json', clientId: null };
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return { ok: false, code: 'invalid_json', clientId: null };
  }
  if (!isObject(value)) return { ok: false, code: 'invalid_json', clientId: null };
  const { text, client_id: clientId = null } = value;
  const echo = typeof clientId === 'string' ? clientId : null;
  const validClientId =
    clientId === null || (typeof clientId === 'string' && isValidClientId(clientId));
  if (typeof text !== 'string' || !validClientId) {
    return { ok: false, code: 'invalid_json', clientId: echo };
  }
  return { ok: true, text, clientId: echo };
}

/** A refused send's code: the rule it broke, or `unavailable` (not stored: resend later). */
export function sendFailure(error: unknown): RoomSocketError {
  const code = error instanceof AppError ? error.code : undefined;
  return ROOM_SOCKET_ERRORS.find((known) => known === code) ?? 'unavailable';
}

export function errorFrame(code: RoomSocketError, clientId: string | null): string {
  return JSON.stringify(
    clientId === null ? { error: { code } } : { error: { code }, client_id: clientId },
  );
}

/** The stored message as the sender's acknowledgement: the shared JSON plus its client id. */
export function ackFrame(wire: string, clientId: string): string {
  return `${wire.slice(0, -1)},"client_id":${JSON.stringify(clientId)}}`;
}
