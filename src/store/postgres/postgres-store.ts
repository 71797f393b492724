// The Store on PostgreSQL: a pooled adapter with the same semantics as the SQLite reference,
// safe when several server nodes share the database.
import type pg from 'pg';
import type { Room, User } from '../../domain/types.js';
import { MESSAGE_COLUMNS, type MessageRow, toStored } from '../message-rows.js';
import { groupRooms, type MemberRow } from '../room-rows.js';
import type {
  Credentials,
  HistoryRange,
  NewMessage,
  SessionRecord,
  Store,
  StoredMessage,
} from '../store.js';
import { migrate } from './migrate.js';
import { createPool, storeError } from './pool.js';

/**
 * Every statement, by name: each runs as a named prepared statement, parsed once per connection.
 * Logins are ordered by code point (COLLATE "C"), as SQLite orders them, whatever the database's
 * collation; `strpos` matches the folded key literally, so `%` and `_` are plain characters.
 */
const SQL = {
  insertUser: `INSERT INTO users (login, login_key, password_hash, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (login_key) DO NOTHING RETURNING id, login`,
  credentials: 'SELECT id, login, password_hash FROM users WHERE login_key = $1',
  searchUsers: `SELECT id, login FROM users WHERE strpos(login_key, $1) > 0
    ORDER BY CASE WHEN login_key = $1 THEN 0 WHEN strpos(login_key, $1) = 1 THEN 1 ELSE 2 END,
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
  // One statement creates the room with its members, or finds the existing one. A room committed
  // by a racing node after this statement's snapshot is not seen here: `roomByKey` then finds it.
  findOrCreateRoom: `WITH created AS (
      INSERT INTO rooms (member_set_key, created_at, last_activity_at) VALUES ($1, $3, $3)
      ON CONFLICT (member_set_key) DO NOTHING RETURNING id
    ), members AS (
      INSERT INTO room_members (room_id, user_id)
      SELECT created.id, member.id FROM created, unnest($2::bigint[]) AS member (id)
    )
    SELECT id FROM created UNION ALL SELECT id FROM rooms WHERE member_set_key = $1`,
  roomByKey: 'SELECT id FROM rooms WHERE member_set_key = $1',
  roomsOf: `SELECT r.id AS room_id, u.id AS user_id, u.login
    FROM room_members mine
    JOIN rooms r ON r.id = mine.room_id
    JOIN room_members m ON m.room_id = r.id
    JOIN users u ON u.id = m.user_id
    WHERE mine.user_id = $1
    ORDER BY r.last_activity_at DESC, r.last_message_id DESC, r.id DESC, u.id`,
  roomOfMember: `SELECT m.room_id, u.id AS user_id, u.login
    FROM room_members m JOIN users u ON u.id = m.user_id
    WHERE m.room_id = $1 AND EXISTS
      (SELECT 1 FROM room_members mine WHERE mine.room_id = $1 AND mine.user_id = $2)
    ORDER BY u.id`,
  isMember: 'SELECT 1 FROM room_members WHERE room_id = $1 AND user_id = $2',
  // append_messages (migration 001) locks the rooms and chains the batch in one round trip.
  appendMessages: `SELECT (appended.message).*, appended.duplicate
    FROM append_messages($1::jsonb) AS appended`,
  lastMessageId: 'SELECT last_message_id FROM rooms WHERE id = $1',
  historyLatest: `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND id < $2
    ORDER BY id DESC LIMIT $3`,
  historyOldest: `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND id > $2 AND id < $3
    ORDER BY id LIMIT $4`,
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

  async findOrCreateRoom(memberSetKey: string, memberIds: readonly number[], now: number) {
    type RoomId = { id: number };
    const [room] = await this.rows<RoomId>('findOrCreateRoom', [memberSetKey, memberIds, now]);
    const found = room ?? (await this.rows<RoomId>('roomByKey', [memberSetKey]))[0];
    return (found as RoomId).id;
  }

  async roomsOf(userId: number): Promise<Room[]> {
    return groupRooms(await this.rows<MemberRow>('roomsOf', [userId]));
  }

  async roomOfMember(roomId: number, userId: number): Promise<Room | undefined> {
    return groupRooms(await this.rows<MemberRow>('roomOfMember', [roomId, userId]))[0];
  }

  async isMember(roomId: number, userId: number): Promise<boolean> {
    return (await this.rows('isMember', [roomId, userId])).length > 0;
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
