// Rooms: who may talk together, who may see what, and how each member sees a room.
import { AppError, RateLimitedError } from '../errors.js';
import type { ConversationEvents, RoomCreated } from './conversation-events.js';
import { parseId } from './ids.js';
import { canonicalMembers, memberSetKey } from './member-set.js';
import { toMessageJson } from './messages.js';
import type { RoomCreation, RoomState, RoomStore } from './ports/rooms.js';
import type { UserStore } from './ports/users.js';
import { decodeCursor, encodeCursor } from './room-cursor.js';
import type { Clock, RoomInfoJson, RoomJson } from './types.js';

/** Most members a room may be created with. */
export const ROOM_MAX_MEMBERS = 1000;
export const ROOM_LIST_DEFAULT_LIMIT = 200;
export const ROOM_LIST_MAX_LIMIT = 500;
/** The window of the creation rate. */
const CREATION_WINDOW_SECONDS = 60;

export interface CreationRules {
  /** Rooms one user may have created in all. */
  readonly maxCreatedPerUser: number;
  /** Rooms one user may create per minute. */
  readonly creationsPerMinute: number;
}

export interface RoomListPage {
  readonly rooms: RoomJson[];
  /** The cursor of the next page, when more rooms remain. */
  readonly next: string | undefined;
}

export function toRoomJson(room: RoomState): RoomJson {
  return {
    id: room.id,
    users: room.users,
    last_message: room.lastMessage && toMessageJson(room.lastMessage),
    last_read_id: room.lastReadId,
    unread: room.unread,
  };
}

/** A new room as its members' streams are told of it: no message yet, nothing read. */
export function roomCreatedEvent(room: RoomState): RoomCreated {
  const fresh = { ...room, lastMessage: null, lastReadId: 0, unread: 0 };
  return {
    roomId: room.id,
    memberIds: room.users.map((user) => user.id),
    wire: JSON.stringify(toRoomJson(fresh)),
  };
}

function toRoomInfoJson(room: RoomState): RoomInfoJson {
  const read = room.markers.map((marker) => ({
    user_id: marker.userId,
    last_read_id: marker.lastReadId,
  }));
  return { ...toRoomJson(room), read };
}

export class Rooms {
  constructor(
    private readonly store: RoomStore & Pick<UserStore, 'existingUserIds'>,
    private readonly events: ConversationEvents,
    private readonly clock: Clock,
    private readonly rules: CreationRules,
  ) {}

  /** The room of the caller and these users; the existing one when that exact set has one. */
  async create(callerId: number, userIds: readonly number[]): Promise<RoomJson> {
    const members = canonicalMembers([callerId, ...userIds]);
    const existing = new Set(await this.store.existingUserIds(members));
    if (members.some((id) => !existing.has(id))) throw new AppError('user_not_found');
    const now = this.clock();
    const creation = await this.store.findOrCreateRoom(
      memberSetKey(members),
      members,
      callerId,
      now,
      {
        maxCreated: this.rules.maxCreatedPerUser,
        maxRecent: this.rules.creationsPerMinute,
        recentSince: now - CREATION_WINDOW_SECONDS,
      },
    );
    const room = await this.state(callerId, this.roomIdOf(creation, now));
    if (creation.outcome === 'created') this.events.roomCreated(roomCreatedEvent(room));
    return toRoomJson(room);
  }

  /** One page of the caller's rooms, most recently active first. */
  async list(callerId: number, limit: number, cursor?: string): Promise<RoomListPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    // One room more than asked tells whether another page follows.
    const rooms = await this.store.roomsOf(callerId, { after, limit: limit + 1 });
    const page = rooms.slice(0, limit);
    const last = page.at(-1);
    const next = rooms.length > limit && last ? encodeCursor(last.position) : undefined;
    return { rooms: page.map(toRoomJson), next };
  }

  /** The room with every member's read marker, if it exists and the caller is in it. */
  async get(callerId: number, rawRoomId: string | undefined): Promise<RoomInfoJson> {
    const roomId = parseId(rawRoomId);
    if (roomId === undefined) throw new AppError('room_not_found');
    return toRoomInfoJson(await this.state(callerId, roomId));
  }

  /** The room id and its latest message id, if the caller may read it. */
  async requireMemberAt(
    callerId: number,
    rawRoomId: string | undefined,
  ): Promise<{ roomId: number; lastMessageId: number }> {
    const roomId = parseId(rawRoomId);
    const lastMessageId =
      roomId === undefined ? undefined : await this.store.lastMessageIdForMember(roomId, callerId);
    if (roomId === undefined || lastMessageId === undefined) throw new AppError('room_not_found');
    return { roomId, lastMessageId };
  }

  /** The room id, if the caller may read and write in it. */
  async requireMember(callerId: number, rawRoomId: string | undefined): Promise<number> {
    const roomId = parseId(rawRoomId);
    if (roomId === undefined || !(await this.store.isMember(roomId, callerId))) {
      throw new AppError('room_not_found');
    }
    return roomId;
  }

  private roomIdOf(creation: RoomCreation, now: number): number {
    switch (creation.outcome) {
      case 'too_many_rooms':
        throw new AppError('too_many_rooms', 'this user has created as many rooms as allowed');
      case 'too_fast': {
        const freeAt = creation.oldestRecentAt + CREATION_WINDOW_SECONDS;
        throw new RateLimitedError(Math.max(1, freeAt - now));
      }
      default:
        return creation.roomId;
    }
  }

  /** Strangers cannot tell a room they are not in from one that does not exist. */
  private async state(callerId: number, roomId: number): Promise<RoomState> {
    const room = await this.store.roomOfMember(roomId, callerId);
    if (!room) throw new AppError('room_not_found');
    return room;
  }
}
