// What crosses Redis between nodes: room events and session ends, each tagged with the sending node.
import type { RoomEvent } from './bus.js';

export interface Envelope<T> {
  /** The node that published it: a node ignores its own, already delivered locally. */
  readonly node: string;
  readonly body: T;
}

/**
 * One header line of numbers, then the message JSON exactly as the storing node serialised it
 * (JSON.stringify never writes a raw newline), so receivers neither escape nor re-parse it.
 * The sender's connection and client id are local: they are not sent.
 */
export function encodeRoomEvent(node: string, event: RoomEvent): string {
  return `${node} ${event.roomId} ${event.id} ${event.previousId} ${event.storedAt}\n${event.wire}`;
}

export function decodeRoomEvent(payload: string): Envelope<RoomEvent> | undefined {
  const newline = payload.indexOf('\n');
  if (newline < 0) return undefined;
  const [node, ...fields] = payload.slice(0, newline).split(' ');
  const numbers = fields.map(Number);
  if (!node || numbers.length !== 4 || !numbers.every(Number.isSafeInteger)) return undefined;
  const [roomId, id, previousId, storedAt] = numbers as [number, number, number, number];
  return { node, body: { roomId, id, previousId, storedAt, wire: payload.slice(newline + 1) } };
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
