// The Store on PostgreSQL: a pooled adapter with the same semantics as the SQLite reference,
// safe when several server nodes share the database.
import type pg from 'pg';
import type { HistoryRange, NewMessage, StoredMessage } from '../../domain/ports/messages.js';
import type { MarkerMove } from '../../domain/ports/read-markers.js';
import type {
  CreationLimits,
  RoomCreation,
  RoomPage,
  RoomState,
} from '../../domain/ports/rooms.js';
import type { SessionRecord } from '../../domain/ports/sessions.js';
import type { Store } from '../../domain/ports/store.js';
import type { Credentials } from '../../domain/ports/users.js';
import type { User } from '../../domain/types.js';
import { historyJsonSql, MESSAGE_COLUMNS, type MessageRow, toStored } from '../message-rows.js';
import {
  LIST_START,
  ROOM_ORDER,
  type RoomStateDialect,
  type RoomStateRow,
  roomStateSql,
  toRoomState,
} from '../room-rows.js';
import { migrate } from './migrate.js';
import { createPool, storeError } from './pool.js';

const HISTORY_LATEST = `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND id < $2
  ORDER BY id DESC LIMIT $3`;
const HISTORY_OLDEST = `SELECT ${MESSAGE_COLUMNS} FROM messages
  WHERE room_id = $1 AND id > $2 AND id < $3 ORDER BY id LIMIT $4`;

/**
 * A message row as `toMessageJson` shows it: the same keys, order and escaping (json_build_object
 * would put spaces around the colons).
 */
const MESSAGE_JSON = `'{"id":' || id || ',"text":' || to_json(text)::text || ',"user_id":' || user_id
  || ',"room_id":' || room_id || ',"created_at":"'
  || to_char(to_timestamp(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '"}'`;

const POSTGRES_ROOM_STATE: RoomStateDialect = {
  smaller: 'LEAST',
  members: `(SELECT json_agg(json_build_array(u.id, u.login, m.last_read_id) ORDER BY u.id)
    FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room_id = r.id)`,
};

/**
 * Every statement, by name: each runs as a named prepared statement, parsed once per connection.
 * Logins are ordered by code point (COLLATE "C"), as SQLite orders them, whatever the database's
 * collation; `strpos` matches the folded key literally, so `%` and `_` are plain characters.
 */
const SQL = {
  insertUser: `INSERT INTO users (login, login_key, password_hash, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (login_key) DO NOTHING RETURNING id, login`,
  credentials: 'SELECT id, login, password_hash FROM users WHERE login_key = $1',
  replacePasswordHash: 'UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2',
  searchUsers: `SELECT id, login
    FROM (SELECT id, login, replace(login_key, 'ё', 'е') AS search_key FROM users) AS folded
    WHERE strpos(search_key, $1) > 0
    ORDER BY CASE WHEN search_key = $1 THEN 0 WHEN strpos(search_key, $1) = 1 THEN 1 ELSE 2 END,
             login COLLATE "C", id
    LIMIT $2`,
  existingUserIds: 'SELECT id FROM users WHERE id = ANY($1::bigint[])',
  insertSession: `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at)
    VALUES ($1, $2, $3, $3)`,
  findSession: `SELECT u.id, u.login, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = $1 AND s.last_seen_at >= $2`,
  touchSession: 'UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1',
  deleteSession: 'DELETE FROM sessions WHERE token_hash = $1',
  deleteIdleSessions: 'DELETE FROM sessions WHERE last_seen_at < $1',
  // create_room (migration 002) checks the creator's limits and creates under one lock.
  findOrCreateRoom: `SELECT room_id, created, retry_at FROM create_room($1, $2::bigint[], $3, $4, $5, $6, $7)`,
  roomsOf: roomStateSql(
    POSTGRES_ROOM_STATE,
    `SELECT mine.room_id, mine.last_read_id
    FROM room_members mine JOIN rooms r ON r.id = mine.room_id
    WHERE mine.user_id = $1 AND (r.last_activity_at, r.last_message_id, r.id) < ($2, $3, $4)
    ORDER BY ${ROOM_ORDER} LIMIT $5`,
  ),
  roomOfMember: roomStateSql(
    POSTGRES_ROOM_STATE,
    `SELECT mine.room_id, mine.last_read_id FROM room_members mine
    WHERE mine.user_id = $1 AND mine.room_id = $2`,
  ),
  roomIdsOf: 'SELECT room_id FROM room_members WHERE user_id = $1',
  isMember: 'SELECT 1 FROM room_members WHERE room_id = $1 AND user_id = $2',
  lastMessageIdForMember: `SELECT r.last_message_id FROM room_members m JOIN rooms r ON r.id = m.room_id
    WHERE m.room_id = $1 AND m.user_id = $2`,
  contactsOf: `SELECT DISTINCT other.user_id FROM room_members mine
    JOIN room_members other ON other.room_id = mine.room_id
    WHERE mine.user_id = $1 AND other.user_id <> $1`,
  // append_messages (migration 001) locks the rooms and chains the batch in one round trip.
  appendMessages: `SELECT (appended.message).*, appended.duplicate
    FROM append_messages($1::jsonb) AS appended`,
  lastMessageId: 'SELECT last_message_id FROM rooms WHERE id = $1',
  // Under READ COMMITTED a racing update is waited for and the condition checked again on the
  // row it wrote: a marker never moves back.
  markRead: `UPDATE room_members m SET last_read_id = LEAST($3, r.last_message_id)
    FROM rooms r
    WHERE r.id = m.room_id AND m.room_id = $1 AND m.user_id = $2
      AND m.last_read_id < LEAST($3, r.last_message_id)
    RETURNING m.last_read_id`,
  readMarker: 'SELECT last_read_id FROM room_members WHERE room_id = $1 AND user_id = $2',
  historyLatest: HISTORY_LATEST,
  historyOldest: HISTORY_OLDEST,
  historyLatestJson: historyJsonSql(MESSAGE_JSON, 'string_agg', HISTORY_LATEST),
  historyOldestJson: historyJsonSql(MESSAGE_JSON, 'string_agg', HISTORY_OLDEST),
  ping: 'SELECT 1',
} as const;

type Statement = keyof typeof SQL;

/**
 * Ids are read as JS numbers, so every id is a safe integer. A number past that (even past
 * bigint's range, which PostgreSQL would refuse) names no row: as a bound it bounds nothing.
 */
const isPossibleId = Number.isSafeInteger;
const asIdBound = (bound: number) => Math.min(bound, Number.MAX_SAFE_INTEGER);

export async function openPostgresStore(
  url: string,
  poolSize: number,
  timeoutMs: number,
): Promise<Store> {
  const pool = createPool(url, poolSize, timeoutMs);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw storeError(error);
  }
  return new PostgresStore(pool);
}

class PostgresStore implements Store {
  constructor(private readonly pool: pg.Pool) {}

  private async run<Row extends pg.QueryResultRow>(
    name: Statement,
    values: unknown[],
  ): Promise<pg.QueryResult<Row>> {
    try {
      return await this.pool.query<Row>({ name, text: SQL[name], values });
    } catch (error) {
      throw storeError(error);
    }
  }

  private async rows<Row extends pg.QueryResultRow>(
    name: Statement,
    values: unknown[],
  ): Promise<Row[]> {
    return (await this.run<Row>(name, values)).rows;
  }

  async createUser(login: string, loginKey: string, passwordHash: string, now: number) {
    const [user] = await this.rows<User>('insertUser', [login, loginKey, passwordHash, now]);
    return user;
  }

  async findCredentials(loginKey: string): Promise<Credentials | undefined> {
    const [row] = await this.rows<{ id: number; login: string; password_hash: string }>(
      'credentials',
      [loginKey],
    );
    return row && { user: { id: row.id, login: row.login }, passwordHash: row.password_hash };
  }

  async replacePasswordHash(userId: number, previousHash: string, passwordHash: string) {
    await this.run('replacePasswordHash', [userId, previousHash, passwordHash]);
  }

  searchUsers(key: string, limit: number): Promise<User[]> {
    return this.rows<User>('searchUsers', [key, limit]);
  }

  async existingUserIds(ids: readonly number[]): Promise<number[]> {
    const rows = await this.rows<{ id: number }>('existingUserIds', [ids.filter(isPossibleId)]);
    return rows.map((row) => row.id);
  }

  async createSession(tokenHash: string, userId: number, now: number): Promise<void> {
    await this.run('insertSession', [tokenHash, userId, now]);
  }

  async findSession(tokenHash: string, seenSince: number): Promise<SessionRecord | undefined> {
    const [row] = await this.rows<{ id: number; login: string; last_seen_at: number }>(
      'findSession',
      [tokenHash, seenSince],
    );
    return row && { user: { id: row.id, login: row.login }, lastSeenAt: row.last_seen_at };
  }

  async touchSession(tokenHash: string, now: number): Promise<void> {
    await this.run('touchSession', [tokenHash, now]);
  }

  async deleteSession(tokenHash: string): Promise<boolean> {
    return ((await this.run('deleteSession', [tokenHash])).rowCount ?? 0) > 0;
  }

  async deleteIdleSessions(seenBefore: number): Promise<number> {
    return (await this.run('deleteIdleSessions', [seenBefore])).rowCount ?? 0;
  }

  async findOrCreateRoom(
    memberSetKey: string,
    memberIds: readonly number[],
    creatorId: number,
    now: number,
    limits: CreationLimits,
  ): Promise<RoomCreation> {
    const [row] = await this.rows<{
      room_id: number | null;
      created: boolean;
      retry_at: number | null;
    }>('findOrCreateRoom', [
      memberSetKey,
      memberIds,
      now,
      creatorId,
      limits.maxCreated,
      limits.maxRecent,
      limits.recentSince,
    ]);
    if (!row) throw new Error('create_room returned no row');
    if (row.room_id !== null) {
      return { outcome: row.created ? 'created' : 'existing', roomId: row.room_id };
    }
    return row.retry_at === null
      ? { outcome: 'too_many_rooms' }
      : { outcome: 'too_fast', oldestRecentAt: row.retry_at };
  }

  async roomsOf(viewerId: number, page: RoomPage): Promise<RoomState[]> {
    const after = page.after ?? LIST_START;
    const rows = await this.rows<RoomStateRow>('roomsOf', [
      viewerId,
      after.lastActivityAt,
      after.lastMessageId,
      after.roomId,
      page.limit,
    ]);
    return rows.map(toRoomState);
  }

  async roomIdsOf(userId: number): Promise<number[]> {
    const rows = await this.rows<{ room_id: number }>('roomIdsOf', [userId]);
    return rows.map((row) => row.room_id);
  }

  async roomOfMember(roomId: number, viewerId: number): Promise<RoomState | undefined> {
    const [row] = await this.rows<RoomStateRow>('roomOfMember', [viewerId, roomId]);
    return row && toRoomState(row);
  }

  async markRead(
    roomId: number,
    userId: number,
    messageId: number,
  ): Promise<MarkerMove | undefined> {
    type Marker = { last_read_id: number };
    const [moved] = await this.rows<Marker>('markRead', [roomId, userId, messageId]);
    if (moved) return { lastReadId: moved.last_read_id, moved: true };
    const [current] = await this.rows<Marker>('readMarker', [roomId, userId]);
    return current && { lastReadId: current.last_read_id, moved: false };
  }

  async lastMessageIdForMember(roomId: number, userId: number): Promise<number | undefined> {
    type Tail = { last_message_id: number };
    const [room] = await this.rows<Tail>('lastMessageIdForMember', [roomId, userId]);
    return room?.last_message_id;
  }

  async isMember(roomId: number, userId: number): Promise<boolean> {
    return (await this.rows('isMember', [roomId, userId])).length > 0;
  }

  async contactsOf(userId: number): Promise<number[]> {
    const rows = await this.rows<{ user_id: number }>('contactsOf', [userId]);
    return rows.map((row) => row.user_id);
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<StoredMessage[]> {
    if (batch.length === 0) return [];
    const items = batch.map((message) => ({
      room_id: message.roomId,
      user_id: message.userId,
      text: message.text,
      client_id: message.clientId,
      created_at: message.createdAt,
    }));
    const rows = await this.rows<MessageRow & { duplicate: boolean }>('appendMessages', [
      JSON.stringify(items),
    ]);
    return rows.map((row) => toStored(row, row.duplicate));
  }

  async history(roomId: number, range: HistoryRange): Promise<StoredMessage[]> {
    const before = asIdBound(range.before ?? Number.MAX_SAFE_INTEGER);
    if (range.after !== undefined) {
      const oldest = await this.rows<MessageRow>('historyOldest', [
        roomId,
        asIdBound(range.after),
        before,
        range.limit,
      ]);
      return oldest.map((row) => toStored(row));
    }
    const latest = await this.rows<MessageRow>('historyLatest', [roomId, before, range.limit]);
    return latest.reverse().map((row) => toStored(row));
  }

  async historyJson(roomId: number, range: HistoryRange): Promise<string> {
    const before = asIdBound(range.before ?? Number.MAX_SAFE_INTEGER);
    type Json = { json: string };
    if (range.after !== undefined) {
      const after = asIdBound(range.after);
      const [page] = await this.rows<Json>('historyOldestJson', [
        roomId,
        after,
        before,
        range.limit,
      ]);
      return (page as Json).json;
    }
    const [page] = await this.rows<Json>('historyLatestJson', [roomId, before, range.limit]);
    return (page as Json).json;
  }

  async lastMessageId(roomId: number): Promise<number> {
    const [row] = await this.rows<{ last_message_id: number }>('lastMessageId', [roomId]);
    return row?.last_message_id ?? 0;
  }

  async ping(): Promise<void> {
    await this.run('ping', []);
  }

  async close(): Promise<void> {
    if (!this.pool.ending) await this.pool.end();
  }
}
