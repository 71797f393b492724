// A position in the rooms list as the text of a `next` link: the last room of a page.
import { AppError } from '../errors.js';
import type { RoomPosition } from './ports/rooms.js';

const CURSOR = /^(\d{1,16})\.(\d{1,16})\.(\d{1,16})$/;

export function encodeCursor(position: RoomPosition): string {
  return `${position.lastActivityAt}.${position.lastMessageId}.${position.roomId}`;
}

/** Throws `invalid_json` for text no `next` link carries. */
export function decodeCursor(text: string): RoomPosition {
  const parts = CURSOR.exec(text)?.slice(1).map(Number);
  if (!parts?.every(Number.isSafeInteger)) throw new AppError('invalid_json', 'bad cursor');
  const [lastActivityAt, lastMessageId, roomId] = parts as [number, number, number];
  return { lastActivityAt, lastMessageId, roomId };
}
