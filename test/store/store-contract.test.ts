// The Store port's contract, run against every storage adapter: they must be interchangeable.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loginKey } from '../../src/domain/login.js';
import { memberSetKey } from '../../src/domain/member-set.js';
import type { User } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { NewMessage, Store, StoredMessage } from '../../src/store/store.js';
import { backends, type TestDatabase } from '../helpers/backends.js';

const NOW = 1_700_000_000;

function open(database: TestDatabase): Promise<Store> {
  return openStore({
    databaseUrl: database.env.DATABASE_URL as string,
    databasePoolSize: 4,
    databaseTimeoutMs: 10_000,
  });
}

/** Each message's previous id is the id of the room's message just before it. */
function assertChained(messages: readonly StoredMessage[], firstPreviousId = 0): void {
  let previousId = firstPreviousId;
  for (const message of messages) {
    assert.equal(message.previousId, previousId, `message ${message.id}`);
    assert.ok(message.id > previousId);
    previousId = message.id;
  }
}

for (const backend of backends()) {
  describe(`Store contract (${backend.name})`, () => {
    let database: TestDatabase;
    let store: Store;
    let userCount = 0;

    before(async () => {
      database = await backend.createDatabase();
      store = await open(database);
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    async function createUser(login = `user ${++userCount}`): Promise<User> {
      const user = await store.createUser(login, loginKey(login), 'hash', NOW);
      assert.ok(user, `created ${login}`);
      return user;
    }

    async function createRoom(...members: User[]): Promise<number> {
      const ids = members.map((member) => member.id);
      return store.findOrCreateRoom(memberSetKey(ids), ids, NOW);
    }

    function message(roomId: number, user: User, text: string, clientId: string | null = null) {
      return { roomId, userId: user.id, text, clientId, createdAt: NOW } satisfies NewMessage;
    }

    test('nodes starting together on a new database all open it', async () => {
      const fresh = await backend.createDatabase();
      try {
        const stores = await Promise.all(Array.from({ length: 5 }, () => open(fresh)));
        await Promise.all(stores.map((each) => each.close()));
        const reopened = await open(fresh);
        await reopened.close();
      } finally {
        await fresh.drop();
      }
    });

    test('a folded login belongs to one user, who keeps the case they registered with', async () => {
      const vasya = await createUser('Вася');
      assert.equal(await store.createUser('вАСЯ', loginKey('вАСЯ'), 'other', NOW), undefined);
      const credentials = await store.findCredentials(loginKey('ВАСЯ'));
      assert.deepEqual(credentials, { user: vasya, passwordHash: 'hash' });
      assert.equal(await store.findCredentials(loginKey('nobody')), undefined);
      assert.deepEqual(await store.existingUserIds([vasya.id, vasya.id + 1000]), [vasya.id]);
      assert.deepEqual(await store.existingUserIds([1e300, 2 ** 63, 1.5, -1, 0]), []);
    });

    test('search: exact match, then prefix, then the rest, each by login code point', async () => {
      const logins = ['xAbq', 'abqz', 'Abq', 'ABqa', 'яabq', 'aBqy', 'Zabq', 'a%bq'];
      for (const login of logins) await createUser(login);
      const found = await store.searchUsers(loginKey('abq'), 10);
      assert.deepEqual(
        found.map((user) => user.login),
        ['Abq', 'ABqa', 'aBqy', 'abqz', 'Zabq', 'xAbq', 'яabq'],
      );
      assert.deepEqual(
        (await store.searchUsers('abq', 2)).map((user) => user.login),
        ['Abq', 'ABqa'],
      );
      assert.deepEqual(
        (await store.searchUsers('%', 10)).map((user) => user.login),
        ['a%bq'],
      );
      assert.deepEqual(await store.searchUsers('_', 10), []);
    });

    test('sessions are found while fresh, touched, and deleted one by one or when idle', async () => {
      const user = await createUser();
      await store.createSession('fresh', user.id, NOW);
      await store.createSession('stale', user.id, NOW - 100);
      assert.deepEqual(await store.findSession('fresh', NOW - 10), { user, lastSeenAt: NOW });
      assert.equal(await store.findSession('stale', NOW - 10), undefined);
      await store.touchSession('stale', NOW);
      assert.deepEqual(await store.findSession('stale', NOW - 10), { user, lastSeenAt: NOW });
      await store.createSession('idle', user.id, NOW - 100);
      assert.equal(await store.deleteIdleSessions(NOW - 10), 1);
      assert.equal(await store.deleteSession('fresh'), true);
      assert.equal(await store.deleteSession('fresh'), false);
      assert.equal(await store.findSession('fresh', 0), undefined);
    });

    test('ten identical room creations racing make one room', async () => {
      const members = [await createUser(), await createUser(), await createUser()];
      const ids = await Promise.all(Array.from({ length: 10 }, () => createRoom(...members)));
      assert.equal(new Set(ids).size, 1);
      const room = await store.roomOfMember(ids[0] as number, members[1]?.id as number);
      assert.deepEqual(room, { id: ids[0], users: members });
    });

    test('rooms: members only, members by id, most recently active first', async () => {
      const [alice, bob, carol] = [await createUser(), await createUser(), await createUser()];
      const quiet = await createRoom(alice, bob);
      const busy = await createRoom(carol, alice);
      const newest = await createRoom(alice, bob, carol);
      assert.equal(await store.isMember(quiet, bob.id), true);
      assert.equal(await store.isMember(quiet, carol.id), false);
      assert.equal(await store.roomOfMember(quiet, carol.id), undefined);
      assert.equal(await store.roomOfMember(quiet + 1000, alice.id), undefined);
      await store.appendMessages([{ ...message(busy, carol, 'later'), createdAt: NOW + 5 }]);
      const rooms = await store.roomsOf(alice.id);
      assert.deepEqual(
        rooms.map((room) => room.id),
        [busy, newest, quiet],
      );
      assert.deepEqual(rooms[0]?.users, [alice, carol]);
      assert.deepEqual(await store.roomsOf(userCount + 1000), []);
    });

    test('a batch is stored in order, chained per room, across many rooms', async () => {
      const [alice, bob] = [await createUser(), await createUser()];
      const rooms = [await createRoom(alice), await createRoom(bob), await createRoom(alice, bob)];
      const batch = Array.from({ length: 30 }, (_, i) =>
        message(rooms[i % 3] as number, i % 2 ? bob : alice, `text ${i}`),
      );
      const stored = await store.appendMessages(batch);
      assert.deepEqual(
        stored.map(({ id, previousId, duplicate, ...rest }) => rest),
        batch,
      );
      assert.ok(stored.every((each) => !each.duplicate));
      for (const roomId of rooms) {
        const ofRoom = stored.filter((each) => each.roomId === roomId);
        assertChained(ofRoom);
        assert.deepEqual(await store.history(roomId, { limit: 50 }), ofRoom);
        assert.equal(await store.lastMessageId(roomId), ofRoom.at(-1)?.id);
      }
    });

    test('a repeated client id stores nothing and yields the first message', async () => {
      const [alice, bob] = [await createUser(), await createUser()];
      const roomId = await createRoom(alice, bob);
      const [first, again, bobs, plain] = await store.appendMessages([
        message(roomId, alice, 'first', 'c1'),
        message(roomId, alice, 'retry in the same batch', 'c1'),
        message(roomId, bob, 'same client id, other user', 'c1'),
        message(roomId, alice, 'no client id'),
      ]);
      assert.equal(first?.duplicate, false);
      assert.deepEqual(again, { ...first, duplicate: true });
      assert.equal(bobs?.duplicate, false);
      assert.notEqual(bobs?.id, first?.id);
      const [retried, next] = await store.appendMessages([
        message(roomId, alice, 'retry in a later batch', 'c1'),
        message(roomId, alice, 'next', 'c2'),
      ]);
      assert.deepEqual(retried, { ...first, duplicate: true });
      assert.equal(next?.previousId, plain?.id);
      const history = await store.history(roomId, { limit: 50 });
      assert.deepEqual(
        history.map((each) => each.text),
        ['first', 'same client id, other user', 'no client id', 'next'],
      );
      assertChained(history);
    });

    test('two nodes appending to one room at once keep one chain', async () => {
      const other = await open(database);
      try {
        const [alice, bob] = [await createUser(), await createUser()];
        const roomId = await createRoom(alice, bob);
        const batches = Array.from({ length: 40 }, (_, b) =>
          Array.from({ length: 5 }, (_, i) => message(roomId, b % 2 ? bob : alice, `${b}.${i}`)),
        );
        const results = await Promise.all(
          batches.map((batch, b) => (b % 2 ? other : store).appendMessages(batch)),
        );
        for (const stored of results) assertChained(stored, stored[0]?.previousId);
        const history = await store.history(roomId, { limit: 200 });
        assert.equal(history.length, 200);
        assertChained(history);
        assert.equal(await other.lastMessageId(roomId), history.at(-1)?.id);
      } finally {
        await other.close();
      }
    });

    test('history pages: latest by default, before scrolls back, after catches up', async () => {
      const alice = await createUser();
      const roomId = await createRoom(alice);
      const stored = await store.appendMessages(
        Array.from({ length: 10 }, (_, i) => message(roomId, alice, `m${i}`)),
      );
      const ids = (messages: StoredMessage[]) => messages.map((each) => each.id);
      const all = ids(stored);
      assert.deepEqual(ids(await store.history(roomId, { limit: 3 })), all.slice(7));
      assert.deepEqual(
        ids(await store.history(roomId, { before: all[5], limit: 3 })),
        all.slice(2, 5),
      );
      assert.deepEqual(
        ids(await store.history(roomId, { after: all[5], limit: 3 })),
        all.slice(6, 9),
      );
      assert.deepEqual(
        ids(await store.history(roomId, { after: all[1], before: all[4], limit: 50 })),
        all.slice(2, 4),
      );
      assert.deepEqual(await store.history(roomId, { after: all[9], limit: 3 }), []);
      // Bounds past any id, even past a 64-bit integer, bound nothing.
      assert.deepEqual(
        ids(await store.history(roomId, { before: 2 ** 64, limit: 3 })),
        all.slice(7),
      );
      assert.deepEqual(await store.history(roomId, { after: 1e300, limit: 3 }), []);
      assert.equal(await store.lastMessageId(roomId + 1000), 0);
      await store.ping();
    });
  });
}
