// What this page has read of each room it opened, kept while the page lives: live messages of
// every such room join it, so going back to a room (offline too) shows it at once and with no gap.
import type { Message } from '../../client/src/index.js';

export class RoomHistory {
  /** Oldest first, by id. */
  messages: Message[] = [];
  /** Whether the server has messages before the first one here. */
  hasOlder = true;
  /** Whether the latest page has been read once (before, only live messages are here). */
  loaded = false;
  private readonly ids = new Set<number>();

  has(messageId: number): boolean {
    return this.ids.has(messageId);
  }

  /** Adds what is not here yet; returns those. */
  add(messages: readonly Message[]): Message[] {
    const fresh = messages.filter((message) => !this.ids.has(message.id));
    for (const message of fresh) this.ids.add(message.id);
    if (fresh.length > 0) this.messages = [...this.messages, ...fresh].sort((a, b) => a.id - b.id);
    return fresh;
  }
}

export class RoomHistories {
  private readonly rooms = new Map<number, RoomHistory>();

  of(roomId: number): RoomHistory {
    let history = this.rooms.get(roomId);
    if (!history) {
      history = new RoomHistory();
      this.rooms.set(roomId, history);
    }
    return history;
  }

  /** A live message: kept for a room this page has opened. */
  onMessage(message: Message): void {
    this.rooms.get(message.room_id)?.add([message]);
  }
}
