// What a chat list shows per room, kept in step with frames: last message, the caller's marker and
// unread count, and every member's marker ("seen by").
import type { Message, ReadMarker, Room, RoomDetails } from './types.js';

/** The server counts unread messages exactly up to this, then says "this many or more". */
export const UNREAD_CAP = 1000;

export interface RoomState {
  readonly room: Room;
  readonly lastMessage: Message | null;
  readonly lastReadId: number;
  readonly unread: number;
  /** Each member's marker as far as known: user id → last read message id. */
  readonly read: ReadonlyMap<number, number>;
}

/** One room's state, and what it takes to recount unread messages locally. */
class RoomRecord {
  lastMessage: Message | null;
  lastReadId: number;
  unread: number;
  readonly read = new Map<number, number>();
  /** Up to this id the server counted; above it, other users' unread ids as they arrived. */
  private readonly countedUpTo: number;
  private othersAbove: number[] = [];

  constructor(
    readonly room: Room,
    markers: readonly ReadMarker[],
  ) {
    this.lastMessage = room.last_message ?? null;
    this.lastReadId = room.last_read_id ?? 0;
    this.unread = room.unread ?? 0;
    this.countedUpTo = this.lastMessage?.id ?? 0;
    for (const marker of markers) this.read.set(marker.user_id, marker.last_read_id);
  }

  onMessage(message: Message, ownUserId: number): void {
    if (message.id > (this.lastMessage?.id ?? 0)) this.lastMessage = message;
    this.moveMarker(message.user_id, message.id);
    // The server's count and marker already include everything up to its last message.
    if (message.id <= this.countedUpTo) return;
    if (message.user_id === ownUserId) {
      this.lastReadId = Math.max(this.lastReadId, message.id);
      this.unread = 0;
      this.othersAbove.length = 0;
    } else if (message.id > this.lastReadId) {
      if (this.othersAbove.length < UNREAD_CAP) this.othersAbove.push(message.id);
      this.unread = Math.min(UNREAD_CAP, this.unread + 1);
    }
  }

  /** Moves a marker; false when the unread count cannot be recounted here (ask the server). */
  onRead(userId: number, lastReadId: number, ownUserId: number): boolean {
    this.moveMarker(userId, lastReadId);
    if (userId !== ownUserId || lastReadId <= this.lastReadId) return true;
    this.lastReadId = lastReadId;
    if (lastReadId < this.countedUpTo || this.othersAbove.length >= UNREAD_CAP) return false;
    this.othersAbove = this.othersAbove.filter((id) => id > lastReadId);
    this.unread = this.othersAbove.length;
    return true;
  }

  snapshot(): RoomState {
    return {
      room: this.room,
      lastMessage: this.lastMessage,
      lastReadId: this.lastReadId,
      unread: this.unread,
      read: new Map(this.read),
    };
  }

  private moveMarker(userId: number, id: number): void {
    if (id > (this.read.get(userId) ?? 0)) this.read.set(userId, id);
  }
}

export class RoomStates {
  private readonly records = new Map<number, RoomRecord>();

  constructor(private readonly ownUserId: number) {}

  has(roomId: number): boolean {
    return this.records.has(roomId);
  }

  get(roomId: number): RoomState | undefined {
    return this.records.get(roomId)?.snapshot();
  }

  /** Every room, most recently active first. */
  all(): RoomState[] {
    const activity = (state: RoomState) => state.lastMessage?.id ?? 0;
    return [...this.records.values()]
      .map((record) => record.snapshot())
      .sort((a, b) => activity(b) - activity(a) || b.room.id - a.room.id);
  }

  /** The server's view of a room replaces ours; members' markers already known are kept. */
  fromServer(room: Room | RoomDetails): RoomState {
    const known = this.records.get(room.id)?.read ?? new Map<number, number>();
    const markers = [...known].map(([user_id, last_read_id]) => ({ user_id, last_read_id }));
    const record = new RoomRecord(room, [...markers, ...(('read' in room && room.read) || [])]);
    this.records.set(room.id, record);
    return record.snapshot();
  }

  onMessage(message: Message): RoomState | undefined {
    const record = this.records.get(message.room_id);
    record?.onMessage(message, this.ownUserId);
    return record?.snapshot();
  }

  /** The new state, or `stale` when only the server can say the unread count now. */
  onRead(roomId: number, userId: number, lastReadId: number): RoomState | 'stale' | undefined {
    const record = this.records.get(roomId);
    if (!record) return undefined;
    return record.onRead(userId, lastReadId, this.ownUserId) ? record.snapshot() : 'stale';
  }
}
