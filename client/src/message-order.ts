// Per room, the id of the last message handed on: each message passes once, in id order.
import type { Message } from './types.js';

export class MessageOrder {
  private readonly lastIds = new Map<number, number>();

  /** The last id handed on in a room, or undefined for a room never seen. */
  lastId(roomId: number): number | undefined {
    return this.lastIds.get(roomId);
  }

  /** Marks a room as seen up to `id` without handing anything on (its older history is not news). */
  seenUpTo(roomId: number, id: number): void {
    if (id > (this.lastIds.get(roomId) ?? 0)) this.lastIds.set(roomId, id);
    else if (!this.lastIds.has(roomId)) this.lastIds.set(roomId, id);
  }

  /** True once per message, when its id is past the room's last one; it then becomes the last. */
  accept(message: Message): boolean {
    if (message.id <= (this.lastIds.get(message.room_id) ?? 0)) return false;
    this.lastIds.set(message.room_id, message.id);
    return true;
  }
}
