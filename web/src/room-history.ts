// What this page has of each room it opened: a window of the latest messages, which live messages
// join, so going back to a room (offline too) shows it at once and with no gap. The window is
// bounded: the open room keeps its last WINDOW messages while the reader follows the latest, a
// room not shown only its latest page; what goes is read again from the server by scrolling up.
import type { Message } from '../../client/src/index.js';

/** Messages per page read from the server. */
export const PAGE = 50;
/** The open room keeps this many messages while the reader follows the latest... */
export const WINDOW = 500;
/** ...and up to this many while they read further up, past which live messages are left out. */
export const READING_UP_WINDOW = 2 * WINDOW;

export class RoomHistory {
  /** Oldest first, by id. */
  messages: Message[] = [];
  /** Whether the server has messages before the first one here. */
  hasOlder = true;
  /** Whether the latest page has been read once (before, only live messages are here). */
  loaded = false;
  /** Live messages after the last one here were left out: the latest are to be read again. */
  behind = false;
  private readonly ids = new Set<number>();

  has(messageId: number): boolean {
    return this.ids.has(messageId);
  }

  /** Whether the first message after `id` is here (or the room has none before those here). */
  reaches(id: number | undefined): boolean {
    const first = this.messages[0];
    return id === undefined || !this.hasOlder || (first !== undefined && first.id <= id);
  }

  /** Whether the last message here is the room's latest: its latest page was read, none left out. */
  endsAtLatest(): boolean {
    return this.loaded && !this.behind;
  }

  /** Adds what is not here yet; returns those. */
  add(messages: readonly Message[]): Message[] {
    const fresh = messages.filter((message) => !this.ids.has(message.id));
    for (const message of fresh) this.ids.add(message.id);
    if (fresh.length > 0) this.messages = [...this.messages, ...fresh].sort((a, b) => a.id - b.id);
    return fresh;
  }

  /**
   * A live message of the open room; `following` when the reader will see it at the bottom.
   * False when it is left out, the reader being far up in a full window.
   */
  addLive(message: Message, following: boolean): boolean {
    if (!following && this.messages.length >= READING_UP_WINDOW) this.behind = true;
    if (this.behind) return false;
    this.add([message]);
    if (following) this.trim(WINDOW);
    return true;
  }

  /** The room is no longer shown: its latest page stays, or nothing if the latest are not here. */
  keepLatestPage(): void {
    if (this.behind) this.forget();
    else this.trim(PAGE);
  }

  /** Everything goes: the room is read again from its latest page. */
  forget(): void {
    this.messages = [];
    this.ids.clear();
    this.hasOlder = true;
    this.loaded = false;
    this.behind = false;
  }

  /** Drops the oldest messages past `keep` (the server still has them). */
  private trim(keep: number): void {
    const dropped = this.messages.slice(0, -keep);
    if (dropped.length === 0) return;
    for (const message of dropped) this.ids.delete(message.id);
    this.messages = this.messages.slice(-keep);
    this.hasOlder = true;
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

  /** A live message of a room not shown: kept, with its latest page, for a room this page opened. */
  onMessage(message: Message): void {
    const history = this.rooms.get(message.room_id);
    history?.add([message]);
    history?.keepLatestPage();
  }
}
