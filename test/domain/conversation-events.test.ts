// What the domain announces: a room created (once, with its wire JSON) and a read marker moved.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ReadMoved, RoomCreated } from '../../src/domain/conversation-events.js';
import { loginKey } from '../../src/domain/login.js';
import type { Store } from '../../src/domain/ports/store.js';
import { ReadMarkers } from '../../src/domain/read-markers.js';
import { Rooms } from '../../src/domain/rooms.js';
import type { User } from '../../src/domain/types.js';
import { AppError, RateLimitedError } from '../../src/errors.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

describe('conversation events and room rules', () => {
  let now: number;
  let store: Store;
  let created: RoomCreated[];
  let moved: ReadMoved[];
  let rooms: Rooms;
  let markers: ReadMarkers;
  let users: User[];

  beforeEach(async () => {
    now = 1_700_000_000;
    store = openSqliteStore('sqlite::memory:');
    created = [];
    moved = [];
    const events = {
      roomCreated: (event: RoomCreated) => created.push(event),
      readMoved: (event: ReadMoved) => moved.push(event),
    };
    rooms = new Rooms(store, events, () => now, { maxCreatedPerUser: 3, creationsPerMinute: 2 });
    markers = new ReadMarkers(store, events);
    users = [];
    for (const login of ['a', 'b', 'c', 'd']) {
      users.push((await store.createUser(login, loginKey(login), 'hash', now)) as User);
    }
  });
  afterEach(() => store.close());

  const id = (index: number) => (users[index] as User).id;

  test('a new room is announced once to every member, as a new room looks to each', async () => {
    const room = await rooms.create(id(0), [id(1)]);
    await rooms.create(id(1), [id(0)]);
    assert.deepEqual(created, [
      { roomId: room.id, memberIds: [id(0), id(1)], wire: JSON.stringify(room) },
    ]);
    assert.deepEqual(JSON.parse(created[0]?.wire as string), {
      id: room.id,
      users: [users[0], users[1]],
      last_message: null,
      last_read_id: 0,
      unread: 0,
    });
  });

  test('a marker moved is announced; one that stays is not', async () => {
    const room = await rooms.create(id(0), [id(1)]);
    const [message] = await store.appendMessages([
      { roomId: room.id, userId: id(1), text: 'hi', clientId: null, createdAt: now },
    ]);
    await markers.markRead(id(0), String(room.id), message?.id as number);
    await markers.markRead(id(0), String(room.id), message?.id as number);
    assert.deepEqual(moved, [{ roomId: room.id, userId: id(0), lastReadId: message?.id }]);
  });

  test('creating too fast is 429 with the seconds until the oldest creation leaves the minute', async () => {
    await rooms.create(id(0), []);
    now += 20;
    await rooms.create(id(0), [id(1)]);
    now += 10;
    await assert.rejects(
      rooms.create(id(0), [id(2)]),
      (error) => error instanceof RateLimitedError && error.retryAfterSeconds === 30,
    );
    now += 30;
    await rooms.create(id(0), [id(2)]);
    now += 60;
    await assert.rejects(
      rooms.create(id(0), [id(3)]),
      (error) => error instanceof AppError && error.code === 'too_many_rooms',
    );
    // Others' creations are theirs; an existing room is found whatever the caller's count.
    await rooms.create(id(1), [id(3)]);
    assert.equal((await rooms.create(id(0), [id(1)])).users.length, 2);
    assert.equal(created.length, 4);
  });
});
