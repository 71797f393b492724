-- Users, sessions, rooms and messages. Times are unix seconds.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  login         TEXT    NOT NULL,
  -- NFC + case folded login: the unique identity of an account.
  login_key     TEXT    NOT NULL UNIQUE,
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  -- SHA-256 of the session id; the id itself is never stored.
  token_hash   TEXT    PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);

CREATE TABLE rooms (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  -- Hash of the sorted member ids: one room per exact member set.
  member_set_key   TEXT    NOT NULL UNIQUE,
  created_at       INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  last_message_id  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE room_members (
  room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

CREATE INDEX room_members_by_user ON room_members (user_id, room_id);

CREATE TABLE messages (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id     INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  text        TEXT    NOT NULL,
  client_id   TEXT,
  -- The room's previous message id (0 for the first): receivers use it to detect gaps.
  previous_id INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE INDEX messages_by_room ON messages (room_id, id);
-- NULL client ids are distinct, so only messages sent with a client id are deduplicated.
CREATE UNIQUE INDEX messages_by_client_id ON messages (room_id, user_id, client_id);
