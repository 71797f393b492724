// The rooms port: member sets, and which rooms a user may see.
import type { Room } from '../types.js';

export interface RoomStore {
  /** Id of the room with exactly these members, created if there is none. */
  findOrCreateRoom(
    memberSetKey: string,
    memberIds: readonly number[],
    now: number,
  ): Promise<number>;
  /** The rooms `userId` belongs to, most recently active first, members by id. */
  roomsOf(userId: number): Promise<Room[]>;
  /** The room if `userId` is one of its members. */
  roomOfMember(roomId: number, userId: number): Promise<Room | undefined>;
  isMember(roomId: number, userId: number): Promise<boolean>;
}
