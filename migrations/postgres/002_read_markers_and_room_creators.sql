-- Read markers (the id of the last message each member has read), message positions for unread
-- counts, and who created each room, so that creating rooms can be limited per user. Rooms from before this migration have no creator.

ALTER TABLE room_members ADD COLUMN last_read_id bigint NOT NULL DEFAULT 0;

-- Sending a message moves its author's marker to it: so it stands for the messages sent before.
UPDATE room_members m SET last_read_id = sent.id
  FROM (SELECT room_id, user_id, max(id) AS id FROM messages GROUP BY room_id, user_id) AS sent
 WHERE m.room_id = sent.room_id AND m.user_id = sent.user_id;

-- Each message's position in its room (1, 2, 3 …) and each room's count of messages: the unread
-- count is then a subtraction, whatever the number of unread messages.
ALTER TABLE messages ADD COLUMN room_seq bigint NOT NULL DEFAULT 0;
UPDATE messages m SET room_seq = numbered.seq
  FROM (SELECT id, row_number() OVER (PARTITION BY room_id ORDER BY id) AS seq FROM messages)
       AS numbered
 WHERE m.id = numbered.id;
ALTER TABLE rooms ADD COLUMN message_count bigint NOT NULL DEFAULT 0;
UPDATE rooms r SET message_count = counted.count
  FROM (SELECT room_id, count(*) AS count FROM messages GROUP BY room_id) AS counted
 WHERE r.id = counted.room_id;

ALTER TABLE rooms ADD COLUMN created_by bigint REFERENCES users (id) ON DELETE SET NULL;

CREATE INDEX rooms_by_creator ON rooms (created_by, created_at) WHERE created_by IS NOT NULL;

-- Creates the room of a member set for `creator`, unless the creator is over its limits: at most
-- `max_created` rooms in all and `max_recent` since `recent_since`. The creator's user row is
-- locked first, so concurrent creations by one user (on any node) are counted one after another.
-- NO KEY UPDATE, not UPDATE: adding a user to a room takes a key-share lock on their row (the
-- foreign key), which UPDATE would block, and two racing creations of one member set would
-- deadlock (each creator's lock against the other's membership).
-- Returns the room id (an existing one when the set already has a room, `created` false), or no
-- id with `retry_at`: the time the oldest recent creation leaves the window (null for the cap).
CREATE FUNCTION create_room(key text, members bigint[], now bigint, creator bigint,
                            max_created bigint, max_recent bigint, recent_since bigint,
                            OUT room_id bigint, OUT created boolean, OUT retry_at bigint)
  LANGUAGE plpgsql
  SET search_path FROM CURRENT
AS $$
DECLARE
  recent bigint;
  oldest_recent bigint;
BEGIN
  created := false;
  SELECT r.id INTO room_id FROM rooms r WHERE r.member_set_key = key;
  IF FOUND THEN RETURN; END IF;

  PERFORM 1 FROM users u WHERE u.id = creator FOR NO KEY UPDATE;
  IF (SELECT count(*) FROM (SELECT 1 FROM rooms r WHERE r.created_by = creator
                             LIMIT max_created) capped) >= max_created THEN
    RETURN;
  END IF;
  SELECT count(*), min(r.created_at) INTO recent, oldest_recent
    FROM rooms r WHERE r.created_by = creator AND r.created_at > recent_since;
  IF recent >= max_recent THEN
    retry_at := oldest_recent;
    RETURN;
  END IF;

  INSERT INTO rooms (member_set_key, created_at, last_activity_at, created_by)
  VALUES (key, now, now, creator)
  ON CONFLICT (member_set_key) DO NOTHING
  RETURNING id INTO room_id;
  IF room_id IS NULL THEN
    -- A racing creation of the same set committed first: that room is the answer.
    SELECT r.id INTO room_id FROM rooms r WHERE r.member_set_key = key;
    RETURN;
  END IF;
  INSERT INTO room_members (room_id, user_id) SELECT create_room.room_id, unnest(members);
  created := true;
END;
$$;

-- As in 001, and each message takes its position in the room (room_seq, the room's
-- message_count), and the authors' read markers move to the messages they send, in the same call.
CREATE OR REPLACE FUNCTION append_messages(batch jsonb, OUT message messages, OUT duplicate boolean)
  RETURNS SETOF record
  LANGUAGE plpgsql
  SET search_path FROM CURRENT
AS $$
DECLARE
  item record;
  room record;
  -- room id (as text) → [id, created_at, room_seq] of the room's latest message, kept up to date
  -- through the batch.
  latest jsonb;
  -- Room, author and id of each new message: their authors' read markers move to them.
  sent_rooms bigint[] := '{}';
  sent_users bigint[] := '{}';
  sent_ids bigint[] := '{}';
BEGIN
  SELECT coalesce(jsonb_object_agg(locked.id, jsonb_build_array(locked.last_message_id,
                                                                locked.last_activity_at,
                                                                locked.message_count)), '{}')
    INTO latest
    FROM (SELECT r.id, r.last_message_id, r.last_activity_at, r.message_count FROM rooms r
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
    INSERT INTO messages (room_id, user_id, text, client_id, previous_id, created_at, room_seq)
    VALUES (item.room_id, item.user_id, item.text, item.client_id,
            (latest->item.room_id::text->>0)::bigint, item.created_at,
            (latest->item.room_id::text->>2)::bigint + 1)
    ON CONFLICT (room_id, user_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
    RETURNING * INTO message;
    duplicate := NOT FOUND;
    IF duplicate THEN
      SELECT * INTO message FROM messages m
       WHERE m.room_id = item.room_id AND m.user_id = item.user_id AND m.client_id = item.client_id;
    ELSE
      latest := jsonb_set(latest, ARRAY[item.room_id::text],
                          jsonb_build_array(message.id, message.created_at, message.room_seq));
      sent_rooms := sent_rooms || item.room_id;
      sent_users := sent_users || item.user_id;
      sent_ids := sent_ids || message.id;
    END IF;
    RETURN NEXT;
  END LOOP;

  -- One update per room and batch, each by primary key.
  FOR room IN
    SELECT key::bigint AS id, (value->>0)::bigint AS last_message_id,
           (value->>1)::bigint AS last_activity_at, (value->>2)::bigint AS message_count
      FROM jsonb_each(latest)
  LOOP
    UPDATE rooms r SET last_message_id = room.last_message_id, last_activity_at = room.last_activity_at,
                       message_count = room.message_count
     WHERE r.id = room.id AND r.last_message_id <> room.last_message_id;
  END LOOP;

  -- The rooms are locked, so no other batch moves these markers meanwhile; a read marker set
  -- ahead (POST .../read) is never moved back.
  UPDATE room_members m SET last_read_id = s.id
    FROM (SELECT t.room_id, t.user_id, max(t.id) AS id
            FROM unnest(sent_rooms, sent_users, sent_ids) AS t (room_id, user_id, id)
           GROUP BY t.room_id, t.user_id) AS s
   WHERE m.room_id = s.room_id AND m.user_id = s.user_id AND m.last_read_id < s.id;
END;
$$;
