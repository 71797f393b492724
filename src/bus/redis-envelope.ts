// What crosses Redis between nodes: room events, read markers, new rooms and session ends,
// each tagged with the sending node.
import type { RoomEvent } from '../domain/bus.js';
import type { ReadMoved } from '../domain/conversation-events.js';
import type { TypingSignal } from '../domain/typing.js';

export interface Envelope<T> {
  /** The node that published it: a node ignores its own, already delivered locally. */
  readonly node: string;
  readonly body: T;
}

/** What a room's channel carries: its messages and its members' read markers. */
export type RoomChannelEvent =
  | { readonly kind: 'message'; readonly event: RoomEvent }
  | { readonly kind: 'read'; readonly event: ReadMoved }
  | { readonly kind: 'typing'; readonly event: TypingSignal };

/** A room created with the user whose channel carried it; the other members are not listed. */
export interface RoomCreatedForUser {
  readonly roomId: number;
  readonly wire: string;
}

/** The header's numbers, or undefined unless there are `count` safe integers. */
function numbers(fields: readonly string[], count: number): number[] | undefined {
  const parsed = fields.map(Number);
  return parsed.length === count && parsed.every(Number.isSafeInteger) ? parsed : undefined;
}

/** Splits off the first line; undefined when there is no newline. */
function firstLine(payload: string): [string, string] | undefined {
  const newline = payload.indexOf('\n');
  return newline < 0 ? undefined : [payload.slice(0, newline), payload.slice(newline + 1)];
}

/**
 * A header line of numbers, the client id as JSON on the second line, then the message JSON
 * exactly as the storing node serialised it (JSON.stringify never writes a raw newline), so
 * receivers neither escape nor re-parse it. The sender's connection is local: it is not sent.
 */
export function encodeRoomEvent(node: string, event: RoomEvent): string {
  const header = `m ${node} ${event.roomId} ${event.id} ${event.previousId} ${event.storedAt} ${event.userId}`;
  return `${header}\n${JSON.stringify(event.clientId)}\n${event.wire}`;
}

export function encodeReadMoved(node: string, event: ReadMoved): string {
  return `r ${node} ${event.roomId} ${event.userId} ${event.lastReadId}`;
}

export function decodeRoomChannel(payload: string): Envelope<RoomChannelEvent> | undefined {
  const [header, rest] = firstLine(payload) ?? [payload, undefined];
  const [kind, node, ...fields] = header.split(' ');
  if (!node) return undefined;
  const body =
    kind === 'r' && rest === undefined
      ? decodeRead(fields)
      : kind === 't' && rest === undefined
        ? decodeTyping(fields)
        : kind === 'm' && rest !== undefined
          ? decodeMessage(fields, rest)
          : undefined;
  return body && { node, body };
}

function decodeRead(fields: readonly string[]): RoomChannelEvent | undefined {
  const read = numbers(fields, 3);
  if (!read) return undefined;
  const [roomId, userId, lastReadId] = read as [number, number, number];
  return { kind: 'read', event: { roomId, userId, lastReadId } };
}

export function encodeTyping(node: string, signal: TypingSignal): string {
  return `t ${node} ${signal.roomId} ${signal.userId}`;
}

function decodeTyping(fields: readonly string[]): RoomChannelEvent | undefined {
  const typing = numbers(fields, 2);
  if (!typing) return undefined;
  const [roomId, userId] = typing as [number, number];
  return { kind: 'typing', event: { roomId, userId } };
}

function decodeMessage(fields: readonly string[], rest: string): RoomChannelEvent | undefined {
  const header = numbers(fields, 5);
  const lines = firstLine(rest);
  const clientId = lines && parseClientId(lines[0]);
  if (!header || !lines || clientId === undefined) return undefined;
  const [roomId, id, previousId, storedAt, userId] = header as [
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    kind: 'message',
    event: { roomId, id, previousId, storedAt, userId, clientId, wire: lines[1] },
  };
}

function parseClientId(json: string): string | null | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return value === null || typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The same payload goes to every member's channel: the channel names the user. */
export function encodeRoomCreated(node: string, roomId: number, wire: string): string {
  return `${node} ${roomId}\n${wire}`;
}

export function decodeRoomCreated(payload: string): Envelope<RoomCreatedForUser> | undefined {
  const lines = firstLine(payload);
  const [node, ...fields] = lines?.[0].split(' ') ?? [];
  const header = numbers(fields, 1);
  if (!lines || !node || !header) return undefined;
  return { node, body: { roomId: header[0] as number, wire: lines[1] } };
}

/** The session's key is a hash of its id: the id itself never leaves the node that received it. */
export function encodeSessionEnded(node: string, sessionKey: string): string {
  return `${node}\n${sessionKey}`;
}

export function decodeSessionEnded(payload: string): Envelope<string> | undefined {
  const newline = payload.indexOf('\n');
  if (newline <= 0 || newline === payload.length - 1) return undefined;
  return { node: payload.slice(0, newline), body: payload.slice(newline + 1) };
}
