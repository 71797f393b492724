// Read markers: a member says how far they have read a room; the other members are told.
import { AppError } from '../errors.js';
import type { ConversationEvents } from './conversation-events.js';
import { parseId } from './ids.js';
import type { ReadMarkerStore } from './ports/read-markers.js';

export interface ReadMarkerJson {
  readonly room_id: number;
  readonly last_read_id: number;
}

export class ReadMarkers {
  constructor(
    private readonly store: ReadMarkerStore,
    private readonly events: ConversationEvents,
  ) {}

  /** Moves the caller's marker towards `messageId` (never back); answers where it is. */
  async markRead(
    callerId: number,
    rawRoomId: string | undefined,
    messageId: number,
  ): Promise<ReadMarkerJson> {
    const roomId = parseId(rawRoomId);
    const marker =
      roomId === undefined ? undefined : await this.store.markRead(roomId, callerId, messageId);
    if (roomId === undefined || !marker) throw new AppError('room_not_found');
    if (marker.moved) {
      this.events.readMoved({ roomId, userId: callerId, lastReadId: marker.lastReadId });
    }
    return { room_id: roomId, last_read_id: marker.lastReadId };
  }
}
