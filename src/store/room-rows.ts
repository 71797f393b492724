// Rooms come out of SQL as one row per member; this folds them back into room objects.
import type { Room } from '../domain/types.js';

export interface MemberRow {
  room_id: number;
  user_id: number;
  login: string;
}

/** Rows ordered by room then user id → rooms in the rows' order, members in theirs. */
export function groupRooms(rows: readonly MemberRow[]): Room[] {
  const rooms: Room[] = [];
  let current: Room | undefined;
  for (const row of rows) {
    if (current?.id !== row.room_id) {
      current = { id: row.room_id, users: [] };
      rooms.push(current);
    }
    current.users.push({ id: row.user_id, login: row.login });
  }
  return rooms;
}
