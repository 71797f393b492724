// Room states: unread counts and markers follow message and read frames the way the server counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoomStates, UNREAD_CAP } from '../src/room-states.js';
import type { Message, Room } from '../src/types.js';

const ME = 1;
const OTHER = 2;

function message(id: number, userId: number, roomId = 10): Message {
  return {
    id,
    room_id: roomId,
    user_id: userId,
    text: `m${id}`,
    created_at: '2026-01-01T00:00:00Z',
  };
}

function room(lastId: number, lastReadId: number, unread: number): Room {
  return {
    id: 10,
    users: [
      { id: ME, login: 'me' },
      { id: OTHER, login: 'other' },
    ],
    last_message: lastId === 0 ? null : message(lastId, OTHER),
    last_read_id: lastReadId,
    unread,
  };
}

test('messages of others count as unread, own messages mark everything read', () => {
  const states = new RoomStates(ME);
  states.fromServer(room(5, 3, 2));
  assert.equal(states.onMessage(message(6, OTHER))?.unread, 3);
  const own = states.onMessage(message(7, ME));
  assert.deepEqual([own?.unread, own?.lastReadId, own?.lastMessage?.id], [0, 7, 7]);
  assert.equal(states.onMessage(message(8, OTHER))?.unread, 1);
});

test('messages the server already counted are not counted twice', () => {
  const states = new RoomStates(ME);
  states.fromServer(room(9, 3, 4));
  assert.equal(states.onMessage(message(5, ME))?.unread, 4);
  assert.equal(states.onMessage(message(9, OTHER))?.unread, 4);
});

test('a marker moved on another device recounts what is left above it', () => {
  const states = new RoomStates(ME);
  states.fromServer(room(5, 5, 0));
  for (const id of [6, 7, 8]) states.onMessage(message(id, OTHER));
  const read = states.onRead(10, ME, 7);
  assert.ok(read !== 'stale' && read !== undefined);
  assert.deepEqual([read.unread, read.lastReadId], [1, 7]);
  assert.equal(states.onRead(10, ME, 6) !== 'stale' && states.get(10)?.lastReadId, 7);
});

test('a marker inside what only the server counted asks for the server', () => {
  const states = new RoomStates(ME);
  states.fromServer(room(9, 2, 5));
  assert.equal(states.onRead(10, ME, 4), 'stale');
});

test('other members’ markers: from read frames and from their own messages', () => {
  const states = new RoomStates(ME);
  states.fromServer({ ...room(5, 5, 0), read: [{ user_id: OTHER, last_read_id: 3 }] });
  assert.equal(states.get(10)?.read.get(OTHER), 3);
  states.onRead(10, OTHER, 4);
  assert.equal(states.get(10)?.read.get(OTHER), 4);
  states.onMessage(message(6, OTHER));
  assert.equal(states.get(10)?.read.get(OTHER), 6);
  states.onRead(10, OTHER, 2);
  assert.equal(states.get(10)?.read.get(OTHER), 6);
  assert.equal(states.get(10)?.unread, 1);
});

test('the count stops at the cap, like the server’s', () => {
  const states = new RoomStates(ME);
  states.fromServer(room(5, 5, 0));
  for (let id = 6; id < 6 + UNREAD_CAP + 10; id++) states.onMessage(message(id, OTHER));
  assert.equal(states.get(10)?.unread, UNREAD_CAP);
  assert.equal(states.onRead(10, ME, 8), 'stale');
});

test('what was read is forgotten: a room read as it goes never needs the server to recount', () => {
  const states = new RoomStates(ME);
  states.fromServer(room(5, 5, 0));
  let id = 5;
  for (let round = 0; round < 3; round += 1) {
    for (let n = 0; n < UNREAD_CAP - 1; n += 1) states.onMessage(message(++id, OTHER));
    const read = states.onRead(10, ME, id);
    assert.ok(read !== 'stale' && read !== undefined, `round ${round}`);
    assert.equal(read.unread, 0);
  }
});

test('rooms are listed most recently active first', () => {
  const states = new RoomStates(ME);
  states.fromServer(room(5, 5, 0));
  states.fromServer({ ...room(0, 0, 0), id: 11 });
  states.fromServer({ ...room(0, 0, 0), id: 12 });
  states.onMessage(message(7, OTHER, 12));
  assert.deepEqual(
    states.all().map((state) => state.room.id),
    [12, 10, 11],
  );
});
