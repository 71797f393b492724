// Rooms come out of SQL as one row per room, members as JSON: this turns them into RoomState.
import { type RoomState, UNREAD_COUNT_CAP } from '../domain/ports/rooms.js';

/** Each member as `[user id, login, last read id]`, ordered by user id. */
type MemberTuple = [number, string, number];

export interface RoomStateRow {
  id: number;
  last_activity_at: number;
  last_message_id: number;
  last_read_id: number;
  unread: number;
  /** JSON text (SQLite) or already parsed (PostgreSQL). */
  members: string | MemberTuple[];
  last_text: string | null;
  last_user_id: number | null;
  last_client_id: string | null;
  last_previous_id: number | null;
  last_created_at: number | null;
}

/** The order of the rooms list, on a row `r` of `rooms`: most recently active first. */
export const ROOM_ORDER = 'r.last_activity_at DESC, r.last_message_id DESC, r.id DESC';

/** What the engines spell differently in `roomStateSql`. */
export interface RoomStateDialect {
  /** The two-argument minimum function. */
  readonly smaller: 'min' | 'LEAST';
  /** A subquery on room `r`: its members as a JSON array of `[user id, login, last read id]`. */
  readonly members: string;
}

/**
 * The state of the rooms that `page` selects (columns room_id and the viewer's last_read_id), one
 * row per room, in list order: members, last message, the viewer's unread count (the room's
 * message count less the position of its last message at or below the marker).
 */
export function roomStateSql(dialect: RoomStateDialect, page: string): string {
  return `WITH page AS (${page})
    SELECT r.id, r.last_activity_at, r.last_message_id, page.last_read_id,
      ${dialect.smaller}(${UNREAD_COUNT_CAP}, r.message_count - coalesce((SELECT x.room_seq
         FROM messages x WHERE x.room_id = r.id AND x.id <= page.last_read_id
         ORDER BY x.id DESC LIMIT 1), 0)) AS unread,
      ${dialect.members} AS members,
      lm.text AS last_text, lm.user_id AS last_user_id, lm.client_id AS last_client_id,
      lm.previous_id AS last_previous_id, lm.created_at AS last_created_at
    FROM page JOIN rooms r ON r.id = page.room_id
    LEFT JOIN messages lm ON lm.id = r.last_message_id
    ORDER BY ${ROOM_ORDER}`;
}

function lastMessageOf(row: RoomStateRow): RoomState['lastMessage'] {
  if (row.last_text === null) return null;
  return {
    id: row.last_message_id,
    roomId: row.id,
    userId: row.last_user_id as number,
    text: row.last_text,
    clientId: row.last_client_id,
    previousId: row.last_previous_id as number,
    createdAt: row.last_created_at as number,
    duplicate: false,
  };
}

export function toRoomState(row: RoomStateRow): RoomState {
  const members: MemberTuple[] =
    typeof row.members === 'string' ? JSON.parse(row.members) : row.members;
  return {
    id: row.id,
    users: members.map(([id, login]) => ({ id, login })),
    position: {
      lastActivityAt: row.last_activity_at,
      lastMessageId: row.last_message_id,
      roomId: row.id,
    },
    lastMessage: lastMessageOf(row),
    lastReadId: row.last_read_id,
    unread: row.unread,
    markers: members.map(([userId, , lastReadId]) => ({ userId, lastReadId })),
  };
}

/** The position before every room: the first page starts after it. */
export const LIST_START = {
  lastActivityAt: Number.MAX_SAFE_INTEGER,
  lastMessageId: Number.MAX_SAFE_INTEGER,
  roomId: Number.MAX_SAFE_INTEGER,
} as const;
