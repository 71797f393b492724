// Rooms: who may talk together, and who may see what.
import { AppError } from '../errors.js';
import { parseId } from './ids.js';
import { canonicalMembers, memberSetKey } from './member-set.js';
import type { RoomStore } from './ports/rooms.js';
import type { UserStore } from './ports/users.js';
import type { Clock, Room } from './types.js';

/** Most members a room may be created with. */
export const ROOM_MAX_MEMBERS = 1000;

export class Rooms {
  constructor(
    private readonly store: RoomStore & Pick<UserStore, 'existingUserIds'>,
    private readonly clock: Clock,
  ) {}

  /** The room of the caller and these users; the existing one when that exact set has one. */
  async create(callerId: number, userIds: readonly number[]): Promise<Room> {
    const members = canonicalMembers([callerId, ...userIds]);
    const existing = new Set(await this.store.existingUserIds(members));
    if (members.some((id) => !existing.has(id))) throw new AppError('user_not_found');
    const roomId = await this.store.findOrCreateRoom(memberSetKey(members), members, this.clock());
    return this.get(callerId, String(roomId));
  }

  list(callerId: number): Promise<Room[]> {
    return this.store.roomsOf(callerId);
  }

  /** The room, if it exists and the caller is in it; strangers cannot tell which it was. */
  async get(callerId: number, rawRoomId: string | undefined): Promise<Room> {
    const roomId = parseId(rawRoomId);
    const room = roomId === undefined ? undefined : await this.store.roomOfMember(roomId, callerId);
    if (!room) throw new AppError('room_not_found');
    return room;
  }

  /** The room id, if the caller may read and write in it. */
  async requireMember(callerId: number, rawRoomId: string | undefined): Promise<number> {
    const roomId = parseId(rawRoomId);
    if (roomId === undefined || !(await this.store.isMember(roomId, callerId))) {
      throw new AppError('room_not_found');
    }
    return roomId;
  }
}
