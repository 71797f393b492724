-- Users, sessions, rooms and messages (the SQLite schema in PostgreSQL terms). Times are unix seconds.

CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login         text   NOT NULL,
  -- NFC + case folded login: the unique identity of an account.
  login_key     text   NOT NULL UNIQUE,
  password_hash text   NOT NULL,
  created_at    bigint NOT NULL
);

CREATE TABLE sessions (
  -- SHA-256 of the session id; the id itself is never stored.
  token_hash   text   PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   bigint NOT NULL,
  last_seen_at bigint NOT NULL
);

CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);

CREATE TABLE rooms (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Hash of the sorted member ids: one room per exact member set.
  member_set_key   text   NOT NULL UNIQUE,
  created_at       bigint NOT NULL,
  last_activity_at bigint NOT NULL,
  last_message_id  bigint NOT NULL DEFAULT 0
);

CREATE TABLE room_members (
  room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (room_id, user_id)
);

CREATE INDEX room_members_by_user ON room_members (user_id, room_id);

CREATE TABLE messages (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id     bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  text        text   NOT NULL,
  client_id   text,
  -- The room's previous message id (0 for the first): receivers use it to detect gaps.
  previous_id bigint NOT NULL,
  created_at  bigint NOT NULL
);

CREATE INDEX messages_by_room ON messages (room_id, id);
-- Only messages sent with a client id are deduplicated.
CREATE UNIQUE INDEX messages_by_client_id ON messages (room_id, user_id, client_id)
  WHERE client_id IS NOT NULL;

-- Stores a batch of messages (a JSON array of {room_id, user_id, text, client_id, created_at})
-- in order, in the caller's transaction, and returns one row per item in batch order. A client
-- id already stored for that room and user (before, or earlier in this batch) stores nothing and
-- returns the first message, flagged duplicate.
--
-- The batch's rooms are locked first, in id order (so two batches never deadlock), and held to
-- the commit: message ids are taken under that lock, so within a room ids grow in commit order
-- and previous_id is always the message committed just before, whichever node wrote it.
CREATE FUNCTION append_messages(batch jsonb, OUT message messages, OUT duplicate boolean)
  RETURNS SETOF record
  LANGUAGE plpgsql
  SET search_path FROM CURRENT
AS $$
DECLARE
  item record;
  room record;
  -- room id (as text) → [id, created_at] of the room's latest message, kept up to date through the batch.
  latest jsonb;
BEGIN
  SELECT coalesce(jsonb_object_agg(locked.id, jsonb_build_array(locked.last_message_id,
                                                                locked.last_activity_at)), '{}')
    INTO latest
    FROM (SELECT r.id, r.last_message_id, r.last_activity_at FROM rooms r
           WHERE r.id = ANY (ARRAY(SELECT (e->>'room_id')::bigint FROM jsonb_array_elements(batch) e))
           ORDER BY r.id
             FOR NO KEY UPDATE) AS locked;

  FOR item IN
    SELECT (e.value->>'room_id')::bigint AS room_id, (e.value->>'user_id')::bigint AS user_id,
           e.value->>'text' AS text, e.value->>'client_id' AS client_id,
           (e.value->>'created_at')::bigint AS created_at
      FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(value, position)
     ORDER BY e.position
  LOOP
    INSERT INTO messages (room_id, user_id, text, client_id, previous_id, created_at)
    VALUES (item.room_id, item.user_id, item.text, item.client_id,
            (latest->item.room_id::text->>0)::bigint, item.created_at)
    ON CONFLICT (room_id, user_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
    RETURNING * INTO message;
    duplicate := NOT FOUND;
    IF duplicate THEN
      SELECT * INTO message FROM messages m
       WHERE m.room_id = item.room_id AND m.user_id = item.user_id AND m.client_id = item.client_id;
    ELSE
      latest := jsonb_set(latest, ARRAY[item.room_id::text],
                          jsonb_build_array(message.id, message.created_at));
    END IF;
    RETURN NEXT;
  END LOOP;

  -- One update per room and batch, each by primary key.
  FOR room IN
    SELECT key::bigint AS id, (value->>0)::bigint AS last_message_id,
           (value->>1)::bigint AS last_activity_at
      FROM jsonb_each(latest)
  LOOP
    UPDATE rooms r SET last_message_id = room.last_message_id, last_activity_at = room.last_activity_at
     WHERE r.id = room.id AND r.last_message_id <> room.last_message_id;
  END LOOP;
END;
$$;
