// The stream's frames: each one a JSON object with a `type`, both ways.
import type { ReadMoved } from '../domain/conversation-events.js';
import { parseId } from '../domain/ids.js';
import type { PresenceChange } from '../domain/presence.js';
import type { TypingSignal } from '../domain/typing.js';
import type { ErrorCode } from '../errors.js';
import { isObject } from './frames.js';

/** Every code a stream's error frame can carry (the protocol document lists these). */
export const STREAM_ERRORS = [
  'invalid_json',
  'room_not_found',
  'too_many_requests',
  'unavailable',
] as const satisfies readonly ErrorCode[];

export type StreamError = (typeof STREAM_ERRORS)[number];

/** A client frame the stream understands; every `type` has its own shape. */
export type StreamRequest = { readonly type: 'typing'; readonly roomId: number };

export type ParsedStreamFrame =
  | { readonly ok: true; readonly request: StreamRequest; readonly clientId: string | null }
  | { readonly ok: false; readonly code: 'invalid_json'; readonly clientId: string | null };

const invalid = (clientId: string | null = null): ParsedStreamFrame => ({
  ok: false,
  code: 'invalid_json',
  clientId,
});

export function parseStreamFrame(data: Buffer, isBinary: boolean): ParsedStreamFrame {
  if (isBinary) return invalid();
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return invalid();
  }
  if (!isObject(value)) return invalid();
  const clientId = typeof value.client_id === 'string' ? value.client_id : null;
  if (value.type === 'typing') {
    const roomId = positiveId(value.room_id);
    if (roomId === undefined) return invalid(clientId);
    return { ok: true, request: { type: 'typing', roomId }, clientId };
  }
  return invalid(clientId);
}

/** A positive safe integer, as JSON gives it (a number, not a string of digits). */
function positiveId(value: unknown): number | undefined {
  return typeof value === 'number' ? parseId(String(value)) : undefined;
}

export function readyFrame(online: readonly number[]): string {
  return JSON.stringify({ type: 'ready', online });
}

/** `message` is the stored message's JSON, serialised once for every receiver. */
export function messageFrame(message: string): string {
  return `{"type":"message","message":${message}}`;
}

/** `room` is the room JSON as a member sees a new room, serialised once for every member. */
export function roomFrame(room: string): string {
  return `{"type":"room","room":${room}}`;
}

export function readFrame(event: ReadMoved): string {
  return JSON.stringify({
    type: 'read',
    room_id: event.roomId,
    user_id: event.userId,
    last_read_id: event.lastReadId,
  });
}

export function typingFrame(signal: TypingSignal): string {
  return JSON.stringify({ type: 'typing', room_id: signal.roomId, user_id: signal.userId });
}

export function presenceFrame(change: PresenceChange): string {
  return JSON.stringify({ type: 'presence', user_id: change.userId, online: change.online });
}

export function streamErrorFrame(code: StreamError, clientId: string | null): string {
  const frame = { type: 'error', error: { code } };
  return JSON.stringify(clientId === null ? frame : { ...frame, client_id: clientId });
}
