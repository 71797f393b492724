// The Store on an embedded SQLite file (better-sqlite3: synchronous, so each call is one short step).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Room, User } from '../../domain/types.js';
import { MESSAGE_COLUMNS, type MessageRow, toStored } from '../message-rows.js';
import { readMigrations } from '../migrations.js';
import { groupRooms, type MemberRow } from '../room-rows.js';
import type {
  Credentials,
  HistoryRange,
  NewMessage,
  SessionRecord,
  Store,
  StoredMessage,
} from '../store.js';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';

/** `sqlite:PATH` → PATH; `sqlite::memory:` → an in-memory database. */
function filenameOf(url: string): string {
  const path = url.slice('sqlite:'.length);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return path;
}

function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, unixepoch())',
  );
  // IMMEDIATE takes the write lock first, so nodes starting together migrate once.
  db.transaction(() => {
    for (const migration of readMigrations('sqlite')) {
      if (applied.get(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name);
    }
  }).immediate();
}

export function openSqliteStore(url: string): Store {
  const filename = filenameOf(url);
  const db = new Database(filename);
  // First, so that nodes sharing the file wait for each other even while switching to WAL.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a process crash; only a power loss may lose the last ones.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return new SqliteStore(db, filename === ':memory:' ? undefined : startCheckpointer(db, filename));
}

class SqliteStore implements Store {
  private readonly sql;

  constructor(
    private readonly db: Database.Database,
    private readonly checkpointer: Checkpointer | undefined,
  ) {
    this.sql = this.prepareStatements();
  }

  private prepareStatements() {
    const db = this.db;
    return {
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
        `SELECT id, login FROM users WHERE instr(login_key, :key) > 0
         ORDER BY CASE WHEN login_key = :key THEN 0 WHEN instr(login_key, :key) = 1 THEN 1 ELSE 2 END,
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
        .prepare<[string, number, number], number>(
          `INSERT INTO rooms (member_set_key, created_at, last_activity_at) VALUES (?, ?, ?)
           ON CONFLICT (member_set_key) DO NOTHING RETURNING id`,
        )
        .pluck(),
      roomByKey: db
        .prepare<[string], number>('SELECT id FROM rooms WHERE member_set_key = ?')
        .pluck(),
      insertMember: db.prepare<[number, number]>(
        'INSERT INTO room_members (room_id, user_id) VALUES (?, ?)',
      ),
      roomsOf: db.prepare<[number], MemberRow>(
        `SELECT r.id AS room_id, u.id AS user_id, u.login
         FROM room_members mine
         JOIN rooms r ON r.id = mine.room_id
         JOIN room_members m ON m.room_id = r.id
         JOIN users u ON u.id = m.user_id
         WHERE mine.user_id = ?
         ORDER BY r.last_activity_at DESC, r.last_message_id DESC, r.id DESC, u.id`,
      ),
      roomOfMember: db.prepare<{ room: number; user: number }, MemberRow>(
        `SELECT m.room_id, u.id AS user_id, u.login
         FROM room_members m JOIN users u ON u.id = m.user_id
         WHERE m.room_id = :room AND EXISTS
           (SELECT 1 FROM room_members mine WHERE mine.room_id = :room AND mine.user_id = :user)
         ORDER BY u.id`,
      ),
      isMember: db
        .prepare<[number, number], number>(
          'SELECT 1 FROM room_members WHERE room_id = ? AND user_id = ?',
        )
        .pluck(),
      messageByClientId: db.prepare<[number, number, string], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = ? AND user_id = ? AND client_id = ?`,
      ),
      lastMessageId: db
        .prepare<[number], number>('SELECT last_message_id FROM rooms WHERE id = ?')
        .pluck(),
      insertMessage: db
        .prepare<[number, number, string, string | null, number, number], number>(
          `INSERT INTO messages (room_id, user_id, text, client_id, previous_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .pluck(),
      advanceRoom: db.prepare<[number, number, number]>(
        'UPDATE rooms SET last_message_id = ?, last_activity_at = ? WHERE id = ?',
      ),
      historyLatest: db.prepare<{ room: number; before: number; limit: number }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = :room AND id < :before
         ORDER BY id DESC LIMIT :limit`,
      ),
      historyOldest: db.prepare<
        { room: number; after: number; before: number; limit: number },
        MessageRow
      >(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = :room AND id > :after AND id < :before
         ORDER BY id LIMIT :limit`,
      ),
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

  async findOrCreateRoom(memberSetKey: string, memberIds: readonly number[], now: number) {
    return this.db.transaction(() => {
      const created = this.sql.insertRoom.get(memberSetKey, now, now);
      if (created === undefined) return this.sql.roomByKey.get(memberSetKey) as number;
      for (const userId of memberIds) this.sql.insertMember.run(created, userId);
      return created;
    })();
  }

  async roomsOf(userId: number): Promise<Room[]> {
    return groupRooms(this.sql.roomsOf.all(userId));
  }

  async roomOfMember(roomId: number, userId: number): Promise<Room | undefined> {
    return groupRooms(this.sql.roomOfMember.all({ room: roomId, user: userId }))[0];
  }

  async isMember(roomId: number, userId: number): Promise<boolean> {
    return this.sql.isMember.get(roomId, userId) !== undefined;
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<StoredMessage[]> {
    // IMMEDIATE: the batch reads before it writes, and a read snapshot that another process
    // overtakes cannot be upgraded to a write (SQLITE_BUSY at once, busy_timeout or not).
    return this.db.transaction(() => batch.map((message) => this.appendOne(message))).immediate();
  }

  private appendOne(message: NewMessage): StoredMessage {
    const { roomId, userId, text, clientId, createdAt } = message;
    if (clientId !== null) {
      const first = this.sql.messageByClientId.get(roomId, userId, clientId);
      if (first) return toStored(first, true);
    }
    const previousId = this.sql.lastMessageId.get(roomId) ?? 0;
    const id = this.sql.insertMessage.get(roomId, userId, text, clientId, previousId, createdAt);
    this.sql.advanceRoom.run(id as number, createdAt, roomId);
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

  async lastMessageId(roomId: number): Promise<number> {
    return this.sql.lastMessageId.get(roomId) ?? 0;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.db.close();
  }
}
