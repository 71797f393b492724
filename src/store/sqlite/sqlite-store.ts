// The Store on an embedded SQLite file (better-sqlite3: synchronous, so each call is one short step).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
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
import { readMigrations } from '../migrations.js';
import {
  LIST_START,
  ROOM_ORDER,
  type RoomStateDialect,
  type RoomStateRow,
  roomStateSql,
  toRoomState,
} from '../room-rows.js';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { holdUntilExit, openConnection } from './connection.js';

/** `sqlite:PATH` → PATH; `sqlite::memory:` → an in-memory database. */
export function filenameOf(url: string): string {
  const path = url.slice('sqlite:'.length);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** Applies the migrations the database lacks, up to `upTo` (all by default). */
export function migrate(db: Database.Database, upTo = Number.POSITIVE_INFINITY): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const { applied, record } = holdUntilExit({
    applied: db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck(),
    record: db.prepare(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, unixepoch())',
    ),
  });
  // IMMEDIATE takes the write lock first, so nodes starting together migrate once.
  db.transaction(() => {
    for (const migration of readMigrations('sqlite')) {
      if (migration.version > upTo || applied.get(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name);
    }
  }).immediate();
}

const WAL_ATTEMPTS = 50;
const WAL_RETRY_MS = 100;

/**
 * Switching a new file to WAL needs it to itself, and SQLite answers "locked" at once instead of
 * waiting (waiting could deadlock) while another node writes to it, as when nodes start together
 * on a fresh file: asked again for up to 5 s. A file already in WAL answers at once.
 */
function switchToWal(db: Database.Database): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt === WAL_ATTEMPTS)
        throw error;
      // Start-up only, before any client is served: blocking this thread is what it should do.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, WAL_RETRY_MS);
    }
  }
}

export function openSqliteStore(url: string): Store {
  const filename = filenameOf(url);
  const db = openConnection(filename);
  // First, so that nodes sharing the file wait for each other's transactions.
  db.exec('PRAGMA busy_timeout = 5000');
  switchToWal(db);
  // NORMAL in WAL mode: a commit survives a process crash; only a power loss may lose the last ones.
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db);
  return new SqliteStore(db, filename === ':memory:' ? undefined : startCheckpointer(db, filename));
}

/** Members in primary key order, already by user id: no sort per room. */
const SQLITE_ROOM_STATE: RoomStateDialect = {
  smaller: 'min',
  members: `(SELECT json_group_array(json_array(m.user_id, u.login, m.last_read_id))
    FROM (SELECT * FROM room_members WHERE room_id = r.id ORDER BY user_id) m
    JOIN users u ON u.id = m.user_id)`,
};

const HISTORY_LATEST = `SELECT ${MESSAGE_COLUMNS} FROM messages
  WHERE room_id = :room AND id < :before ORDER BY id DESC LIMIT :limit`;
const HISTORY_OLDEST = `SELECT ${MESSAGE_COLUMNS} FROM messages
  WHERE room_id = :room AND id > :after AND id < :before ORDER BY id LIMIT :limit`;

/** A message row as `toMessageJson` shows it: the same keys, order and escaping. */
const MESSAGE_JSON = `json_object('id', id, 'text', text, 'user_id', user_id, 'room_id', room_id,
  'created_at', strftime('%Y-%m-%dT%H:%M:%SZ', created_at, 'unixepoch'))`;

class SqliteStore implements Store {
  private readonly sql;

  constructor(
    private readonly db: Database.Database,
    private readonly checkpointer: Checkpointer | undefined,
  ) {
    this.sql = holdUntilExit(this.prepareStatements());
  }

  private prepareStatements() {
    const db = this.db;
    return {
      ping: db.prepare('SELECT 1'),
      insertUser: db.prepare<[string, string, string, number], User>(
        `INSERT INTO users (login, login_key, password_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (login_key) DO NOTHING RETURNING id, login`,
      ),
      credentials: db.prepare<[string], { id: number; login: string; password_hash: string }>(
        'SELECT id, login, password_hash FROM users WHERE login_key = ?',
      ),
      replacePasswordHash: db.prepare<[string, number, string]>(
        'UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?',
      ),
      searchUsers: db.prepare<{ key: string; limit: number }, User>(
        `SELECT id, login
         FROM (SELECT id, login, replace(login_key, 'ё', 'е') AS search_key FROM users)
         WHERE instr(search_key, :key) > 0
         ORDER BY CASE WHEN search_key = :key THEN 0 WHEN instr(search_key, :key) = 1 THEN 1 ELSE 2 END,
                  login, id
         LIMIT :limit`,
      ),
      existingUserIds: db
        .prepare<[string], number>(
          'SELECT id FROM users WHERE id IN (SELECT value FROM json_each(?))',
        )
        .pluck(),
      insertSession: db.prepare<[string, number, number, number]>(
        'INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)',
      ),
      findSession: db.prepare<
        [string, number],
        { id: number; login: string; last_seen_at: number }
      >(
        `SELECT u.id, u.login, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.last_seen_at >= ?`,
      ),
      touchSession: db.prepare<[number, string]>(
        'UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?',
      ),
      deleteSession: db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?'),
      deleteIdleSessions: db.prepare<[number]>('DELETE FROM sessions WHERE last_seen_at < ?'),
      insertRoom: db
        .prepare<[string, number, number, number], number>(
          `INSERT INTO rooms (member_set_key, created_at, last_activity_at, created_by)
           VALUES (?, ?, ?, ?) RETURNING id`,
        )
        .pluck(),
      roomByKey: db
        .prepare<[string], number>('SELECT id FROM rooms WHERE member_set_key = ?')
        .pluck(),
      createdCount: db
        .prepare<[number, number], number>(
          'SELECT count(*) FROM (SELECT 1 FROM rooms WHERE created_by = ? LIMIT ?)',
        )
        .pluck(),
      recentCreations: db.prepare<[number, number], { count: number; oldest: number | null }>(
        `SELECT count(*) AS count, min(created_at) AS oldest FROM rooms
         WHERE created_by = ? AND created_at > ?`,
      ),
      insertMember: db.prepare<[number, number]>(
        'INSERT INTO room_members (room_id, user_id) VALUES (?, ?)',
      ),
      roomsOf: db.prepare<
        { viewer: number; at: number; message: number; room: number; limit: number },
        RoomStateRow
      >(
        roomStateSql(
          SQLITE_ROOM_STATE,
          `SELECT mine.room_id, mine.last_read_id
           FROM room_members mine JOIN rooms r ON r.id = mine.room_id
           WHERE mine.user_id = :viewer
             AND (r.last_activity_at, r.last_message_id, r.id) < (:at, :message, :room)
           ORDER BY ${ROOM_ORDER} LIMIT :limit`,
        ),
      ),
      roomIdsOf: db
        .prepare<[number], number>('SELECT room_id FROM room_members WHERE user_id = ?')
        .pluck(),
      roomOfMember: db.prepare<{ viewer: number; room: number }, RoomStateRow>(
        roomStateSql(
          SQLITE_ROOM_STATE,
          `SELECT mine.room_id, mine.last_read_id FROM room_members mine
           WHERE mine.room_id = :room AND mine.user_id = :viewer`,
        ),
      ),
      lastMessageIdForMember: db
        .prepare<[number, number], number>(
          `SELECT r.last_message_id FROM room_members m JOIN rooms r ON r.id = m.room_id
           WHERE m.room_id = ? AND m.user_id = ?`,
        )
        .pluck(),
      isMember: db
        .prepare<[number, number], number>(
          'SELECT 1 FROM room_members WHERE room_id = ? AND user_id = ?',
        )
        .pluck(),
      contactsOf: db
        .prepare<{ user: number }, number>(
          `SELECT DISTINCT other.user_id FROM room_members mine
           JOIN room_members other ON other.room_id = mine.room_id
           WHERE mine.user_id = :user AND other.user_id <> :user`,
        )
        .pluck(),
      messageByClientId: db.prepare<[number, number, string], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = ? AND user_id = ? AND client_id = ?`,
      ),
      lastMessageId: db
        .prepare<[number], number>('SELECT last_message_id FROM rooms WHERE id = ?')
        .pluck(),
      roomTail: db.prepare<[number], { last_message_id: number; message_count: number }>(
        'SELECT last_message_id, message_count FROM rooms WHERE id = ?',
      ),
      insertMessage: db
        .prepare<[number, number, string, string | null, number, number, number], number>(
          `INSERT INTO messages (room_id, user_id, text, client_id, previous_id, created_at, room_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .pluck(),
      advanceRoom: db.prepare<[number, number, number, number]>(
        'UPDATE rooms SET last_message_id = ?, last_activity_at = ?, message_count = ? WHERE id = ?',
      ),
      // The batch's [room, author, id] triples as JSON: one statement per batch.
      advanceAuthorMarkers: db.prepare<[string]>(
        `UPDATE room_members AS m SET last_read_id = s.id
         FROM (SELECT value ->> 0 AS room_id, value ->> 1 AS user_id, max(value ->> 2) AS id
               FROM json_each(?) GROUP BY 1, 2) AS s
         WHERE m.room_id = s.room_id AND m.user_id = s.user_id AND m.last_read_id < s.id`,
      ),
      markRead: db
        .prepare<{ room: number; user: number; message: number }, number>(
          `UPDATE room_members
           SET last_read_id = min(:message, (SELECT last_message_id FROM rooms WHERE id = :room))
           WHERE room_id = :room AND user_id = :user
             AND last_read_id < min(:message, (SELECT last_message_id FROM rooms WHERE id = :room))
           RETURNING last_read_id`,
        )
        .pluck(),
      readMarker: db
        .prepare<[number, number], number>(
          'SELECT last_read_id FROM room_members WHERE room_id = ? AND user_id = ?',
        )
        .pluck(),
      historyLatestJson: db
        .prepare<{ room: number; before: number; limit: number }, string>(
          historyJsonSql(MESSAGE_JSON, 'group_concat', HISTORY_LATEST),
        )
        .pluck(),
      historyOldestJson: db
        .prepare<{ room: number; after: number; before: number; limit: number }, string>(
          historyJsonSql(MESSAGE_JSON, 'group_concat', HISTORY_OLDEST),
        )
        .pluck(),
      historyLatest: db.prepare<{ room: number; before: number; limit: number }, MessageRow>(
        HISTORY_LATEST,
      ),
      historyOldest: db.prepare<
        { room: number; after: number; before: number; limit: number },
        MessageRow
      >(HISTORY_OLDEST),
    };
  }

  async createUser(login: string, loginKey: string, passwordHash: string, now: number) {
    return this.sql.insertUser.get(login, loginKey, passwordHash, now);
  }

  async findCredentials(loginKey: string): Promise<Credentials | undefined> {
    const row = this.sql.credentials.get(loginKey);
    return row && { user: { id: row.id, login: row.login }, passwordHash: row.password_hash };
  }

  async replacePasswordHash(userId: number, previousHash: string, passwordHash: string) {
    this.sql.replacePasswordHash.run(passwordHash, userId, previousHash);
  }

  async searchUsers(key: string, limit: number): Promise<User[]> {
    return this.sql.searchUsers.all({ key, limit });
  }

  async existingUserIds(ids: readonly number[]): Promise<number[]> {
    return this.sql.existingUserIds.all(JSON.stringify(ids));
  }

  async createSession(tokenHash: string, userId: number, now: number): Promise<void> {
    this.sql.insertSession.run(tokenHash, userId, now, now);
  }

  async findSession(tokenHash: string, seenSince: number): Promise<SessionRecord | undefined> {
    const row = this.sql.findSession.get(tokenHash, seenSince);
    return row && { user: { id: row.id, login: row.login }, lastSeenAt: row.last_seen_at };
  }

  async touchSession(tokenHash: string, now: number): Promise<void> {
    this.sql.touchSession.run(now, tokenHash);
  }

  async deleteSession(tokenHash: string): Promise<boolean> {
    return this.sql.deleteSession.run(tokenHash).changes > 0;
  }

  async deleteIdleSessions(seenBefore: number): Promise<number> {
    return this.sql.deleteIdleSessions.run(seenBefore).changes;
  }

  async findOrCreateRoom(
    memberSetKey: string,
    memberIds: readonly number[],
    creatorId: number,
    now: number,
    limits: CreationLimits,
  ): Promise<RoomCreation> {
    // IMMEDIATE: the limits are read and the room written under one write lock, so concurrent
    // creations (from any process sharing the file) are counted one after another.
    return this.db
      .transaction((): RoomCreation => {
        const existing = this.sql.roomByKey.get(memberSetKey);
        if (existing !== undefined) return { outcome: 'existing', roomId: existing };
        if ((this.sql.createdCount.get(creatorId, limits.maxCreated) ?? 0) >= limits.maxCreated) {
          return { outcome: 'too_many_rooms' };
        }
        const recent = this.sql.recentCreations.get(creatorId, limits.recentSince);
        if (recent && recent.count >= limits.maxRecent) {
          return { outcome: 'too_fast', oldestRecentAt: recent.oldest as number };
        }
        const roomId = this.sql.insertRoom.get(memberSetKey, now, now, creatorId) as number;
        for (const userId of memberIds) this.sql.insertMember.run(roomId, userId);
        return { outcome: 'created', roomId };
      })
      .immediate();
  }

  async roomsOf(viewerId: number, page: RoomPage): Promise<RoomState[]> {
    const after = page.after ?? LIST_START;
    return this.sql.roomsOf
      .all({
        viewer: viewerId,
        at: after.lastActivityAt,
        message: after.lastMessageId,
        room: after.roomId,
        limit: page.limit,
      })
      .map(toRoomState);
  }

  async roomIdsOf(userId: number): Promise<number[]> {
    return this.sql.roomIdsOf.all(userId);
  }

  async roomOfMember(roomId: number, viewerId: number): Promise<RoomState | undefined> {
    const row = this.sql.roomOfMember.get({ room: roomId, viewer: viewerId });
    return row && toRoomState(row);
  }

  async markRead(
    roomId: number,
    userId: number,
    messageId: number,
  ): Promise<MarkerMove | undefined> {
    const moved = this.sql.markRead.get({ room: roomId, user: userId, message: messageId });
    if (moved !== undefined) return { lastReadId: moved, moved: true };
    const current = this.sql.readMarker.get(roomId, userId);
    return current === undefined ? undefined : { lastReadId: current, moved: false };
  }

  async lastMessageIdForMember(roomId: number, userId: number): Promise<number | undefined> {
    return this.sql.lastMessageIdForMember.get(roomId, userId);
  }

  async isMember(roomId: number, userId: number): Promise<boolean> {
    return this.sql.isMember.get(roomId, userId) !== undefined;
  }

  async contactsOf(userId: number): Promise<number[]> {
    return this.sql.contactsOf.all({ user: userId });
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<StoredMessage[]> {
    // IMMEDIATE: the batch reads before it writes, and a read snapshot that another process
    // overtakes cannot be upgraded to a write (SQLITE_BUSY at once, busy_timeout or not).
    return this.db
      .transaction(() => {
        const stored = batch.map((message) => this.appendOne(message));
        const sent = stored.filter((message) => !message.duplicate);
        if (sent.length > 0) {
          const triples = sent.map((message) => [message.roomId, message.userId, message.id]);
          this.sql.advanceAuthorMarkers.run(JSON.stringify(triples));
        }
        return stored;
      })
      .immediate();
  }

  private appendOne(message: NewMessage): StoredMessage {
    const { roomId, userId, text, clientId, createdAt } = message;
    if (clientId !== null) {
      const first = this.sql.messageByClientId.get(roomId, userId, clientId);
      if (first) return toStored(first, true);
    }
    const tail = this.sql.roomTail.get(roomId);
    const previousId = tail?.last_message_id ?? 0;
    const seq = (tail?.message_count ?? 0) + 1;
    const id = this.sql.insertMessage.get(
      roomId,
      userId,
      text,
      clientId,
      previousId,
      createdAt,
      seq,
    );
    this.sql.advanceRoom.run(id as number, createdAt, seq, roomId);
    return { ...message, id: id as number, previousId, duplicate: false };
  }

  async history(roomId: number, range: HistoryRange): Promise<StoredMessage[]> {
    const before = range.before ?? Number.MAX_SAFE_INTEGER;
    if (range.after !== undefined) {
      return this.sql.historyOldest
        .all({ room: roomId, after: range.after, before, limit: range.limit })
        .map((row) => toStored(row));
    }
    const latest = this.sql.historyLatest.all({ room: roomId, before, limit: range.limit });
    return latest.reverse().map((row) => toStored(row));
  }

  async historyJson(roomId: number, range: HistoryRange): Promise<string> {
    const before = range.before ?? Number.MAX_SAFE_INTEGER;
    if (range.after !== undefined) {
      return this.sql.historyOldestJson.get({
        room: roomId,
        after: range.after,
        before,
        limit: range.limit,
      }) as string;
    }
    return this.sql.historyLatestJson.get({ room: roomId, before, limit: range.limit }) as string;
  }

  async lastMessageId(roomId: number): Promise<number> {
    return this.sql.lastMessageId.get(roomId) ?? 0;
  }

  async ping(): Promise<void> {
    this.sql.ping.get();
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.db.close();
  }
}
