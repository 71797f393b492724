-- Read markers (the id of the last message each member has read), message positions for unread
-- counts, and who created each room, so that creating rooms can be limited per user. Rooms from before this migration have no creator.

ALTER TABLE room_members ADD COLUMN last_read_id INTEGER NOT NULL DEFAULT 0;

-- Sending a message moves its author's marker to it: so it stands for the messages sent before.
UPDATE room_members SET last_read_id = coalesce(
  (SELECT max(m.id) FROM messages m
    WHERE m.room_id = room_members.room_id AND m.user_id = room_members.user_id), 0);

-- Each message's position in its room (1, 2, 3 …) and each room's count of messages: the unread
-- count is then a subtraction, whatever the number of unread messages.
ALTER TABLE messages ADD COLUMN room_seq INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET room_seq = numbered.seq
  FROM (SELECT id, row_number() OVER (PARTITION BY room_id ORDER BY id) AS seq FROM messages)
       AS numbered
 WHERE messages.id = numbered.id;
ALTER TABLE rooms ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
UPDATE rooms SET message_count = (SELECT count(*) FROM messages WHERE messages.room_id = rooms.id);

ALTER TABLE rooms ADD COLUMN created_by INTEGER REFERENCES users (id) ON DELETE SET NULL;

CREATE INDEX rooms_by_creator ON rooms (created_by, created_at) WHERE created_by IS NOT NULL;
