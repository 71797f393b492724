// Messages come out of SQL as snake_case rows; this turns them into the port's StoredMessage.
import type { StoredMessage } from '../domain/ports/messages.js';

export interface MessageRow {
  id: number;
  room_id: number;
  user_id: number;
  text: string;
  client_id: string | null;
  previous_id: number;
  created_at: number;
}

export const MESSAGE_COLUMNS = 'id, room_id, user_id, text, client_id, previous_id, created_at';

/** A subquery's messages as the API's JSON array, oldest first, via `messageJson` of each row. */
export function historyJsonSql(messageJson: string, concat: string, page: string): string {
  return `SELECT '[' || coalesce(${concat}(${messageJson}, ',' ORDER BY id), '') || ']' AS json
    FROM (${page}) AS page`;
}

export function toStored(row: MessageRow, duplicate = false): StoredMessage {
  return {
    id: row.id,
    roomId: row.room_id,
    userId: row.user_id,
    text: row.text,
    clientId: row.client_id,
    previousId: row.previous_id,
    createdAt: row.created_at,
    duplicate,
  };
}
