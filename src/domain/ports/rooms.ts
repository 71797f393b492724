// The rooms port: member sets, the rooms a user may see, and a page of them with their state.
import type { Room } from '../types.js';
import type { StoredMessage } from './messages.js';

/** What a user may still create: checked in the same transaction as the creation. */
export interface CreationLimits {
  /** Rooms a user may have created in all. */
  readonly maxCreated: number;
  /** Rooms a user may create after `recentSince`. */
  readonly maxRecent: number;
  /** Unix seconds. */
  readonly recentSince: number;
}

export type RoomCreation =
  | { readonly outcome: 'created' | 'existing'; readonly roomId: number }
  | { readonly outcome: 'too_many_rooms' }
  /** `oldestRecentAt`: when the oldest of the recent creations was made (unix seconds). */
  | { readonly outcome: 'too_fast'; readonly oldestRecentAt: number };

/** Where a room stands in the list, most recently active first: a total order. */
export interface RoomPosition {
  readonly lastActivityAt: number;
  readonly lastMessageId: number;
  readonly roomId: number;
}

export interface ReadMarker {
  readonly userId: number;
  readonly lastReadId: number;
}

/** A room as one member sees it. */
export interface RoomState extends Room {
  readonly position: RoomPosition;
  readonly lastMessage: StoredMessage | null;
  /** The viewer's read marker. */
  readonly lastReadId: number;
  /**
   * Messages of other members after the viewer's marker, counted up to the store's cap. Sending
   * moves the author's marker to the message, so every message after a marker is someone else's.
   */
  readonly unread: number;
  /** Every member's marker, by user id. */
  readonly markers: ReadMarker[];
}

export interface RoomPage {
  /** Only rooms listed after this position; from the most recently active when absent. */
  readonly after?: RoomPosition | undefined;
  readonly limit: number;
}

/** Unread counts stop here ("1000 or more"). */
export const UNREAD_COUNT_CAP = 1000;

export interface RoomStore {
  /**
   * The room with exactly these members: the existing one, else a new one created by
   * `creatorId` within `limits` (a set that has a room is always found, whatever the limits).
   */
  findOrCreateRoom(
    memberSetKey: string,
    memberIds: readonly number[],
    creatorId: number,
    now: number,
    limits: CreationLimits,
  ): Promise<RoomCreation>;
  /** One page of the rooms `viewerId` belongs to, most recently active first. */
  roomsOf(viewerId: number, page: RoomPage): Promise<RoomState[]>;
  /** Ids of the rooms `userId` belongs to, in no particular order: what a stream subscribes to. */
  roomIdsOf(userId: number): Promise<number[]>;
  /** The room if `viewerId` is one of its members. */
  roomOfMember(roomId: number, viewerId: number): Promise<RoomState | undefined>;
  isMember(roomId: number, userId: number): Promise<boolean>;
  /** Id of the room's latest message (0 for none) if `userId` is a member, else undefined. */
  lastMessageIdForMember(roomId: number, userId: number): Promise<number | undefined>;
}
