// The Store port's contract, run against every storage adapter: they must be interchangeable.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loginKey, searchKey } from '../../src/domain/login.js';
import { memberSetKey } from '../../src/domain/member-set.js';
import { toMessageJson } from '../../src/domain/messages.js';
import type { NewMessage, StoredMessage } from '../../src/domain/ports/messages.js';
import { type RoomPosition, UNREAD_COUNT_CAP } from '../../src/domain/ports/rooms.js';
import type { Store } from '../../src/domain/ports/store.js';
import type { User } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open-store.js';
import { backends, type TestDatabase } from '../helpers/backends.js';

const NOW = 1_700_000_000;
const NO_LIMITS = { maxCreated: 1e9, maxRecent: 1e9, recentSince: 0 };

function open(database: TestDatabase): Promise<Store> {
  return openStore({
    databaseUrl: database.env.DATABASE_URL as string,
    databasePoolSize: 4,
    databaseTimeoutMs: 10_000,
  });
}

const ascending = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);

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
      const creation = await store.findOrCreateRoom(
        memberSetKey(ids),
        ids,
        ids[0] as number,
        NOW,
        NO_LIMITS,
      );
      assert.ok('roomId' in creation, `room of ${ids} created or found`);
      return creation.roomId;
    }

    const roomIds = async (userId: number, limit = 500) =>
      (await store.roomsOf(userId, { limit })).map((room) => room.id);

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

    test('search reads ё as е in the stored logins, which stay distinct', async () => {
      for (const login of ['Пётр', 'Петр', 'ПЁТРА', 'Ёжик']) await createUser(login);
      const logins = async (query: string) =>
        (await store.searchUsers(searchKey(query), 10)).map((user) => user.login);
      assert.deepEqual(await logins('петр'), ['Петр', 'Пётр', 'ПЁТРА']);
      assert.deepEqual(await logins('ПЁТР'), ['Петр', 'Пётр', 'ПЁТРА']);
      assert.deepEqual(await logins('ежик'), ['Ёжик']);
      assert.deepEqual(await logins('ЁЖ'), ['Ёжик']);
      assert.notEqual(
        (await store.findCredentials(loginKey('Петр')))?.user.login,
        (await store.findCredentials(loginKey('Пётр')))?.user.login,
      );
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
      assert.equal(room?.id, ids[0]);
      assert.deepEqual(room?.users, members);
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
      assert.equal(await store.lastMessageIdForMember(quiet, bob.id), 0);
      assert.equal(await store.lastMessageIdForMember(quiet, carol.id), undefined);
      assert.equal(await store.lastMessageIdForMember(quiet + 1000, alice.id), undefined);
      await store.appendMessages([{ ...message(busy, carol, 'later'), createdAt: NOW + 5 }]);
      const rooms = await store.roomsOf(alice.id, { limit: 500 });
      assert.deepEqual(
        rooms.map((room) => room.id),
        [busy, newest, quiet],
      );
      assert.deepEqual(rooms[0]?.users, [alice, carol]);
      assert.equal(
        await store.lastMessageIdForMember(busy, alice.id),
        await store.lastMessageId(busy),
      );
      assert.deepEqual(await roomIds(userCount + 1000), []);
    });

    test('contacts: everyone sharing a room, once, never the user', async () => {
      const [alice, bob, carol, dave, loner] = [
        await createUser(),
        await createUser(),
        await createUser(),
        await createUser(),
        await createUser(),
      ];
      await createRoom(alice, bob);
      await createRoom(alice, bob, carol);
      await createRoom(bob, dave);
      assert.deepEqual(ascending(await store.contactsOf(alice.id)), [bob.id, carol.id]);
      assert.deepEqual(ascending(await store.contactsOf(bob.id)), [alice.id, carol.id, dave.id]);
      assert.deepEqual(await store.contactsOf(loner.id), []);
    });

    test('room ids of a user: every room they are in, and only those', async () => {
      const [alice, bob, carol] = [await createUser(), await createUser(), await createUser()];
      const rooms = [
        await createRoom(alice, bob),
        await createRoom(alice),
        await createRoom(carol),
      ];
      assert.deepEqual(ascending(await store.roomIdsOf(alice.id)), ascending(rooms.slice(0, 2)));
      assert.deepEqual(await store.roomIdsOf(bob.id), [rooms[0]]);
      assert.deepEqual(await store.roomIdsOf(userCount + 1000), []);
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

    test('room state: last message, the viewer’s marker, unread of others only, every marker', async () => {
      const [alice, bob] = [await createUser(), await createUser()];
      const roomId = await createRoom(alice, bob);
      const empty = await store.roomOfMember(roomId, alice.id);
      assert.equal(empty?.lastMessage, null);
      assert.equal(empty?.unread, 0);
      await store.appendMessages([message(roomId, alice, 'mine')]);
      const [, last] = await store.appendMessages([
        message(roomId, bob, 'one'),
        message(roomId, bob, 'two', 'c-2'),
      ]);
      const seenByAlice = await store.roomOfMember(roomId, alice.id);
      assert.deepEqual(seenByAlice?.lastMessage, last);
      assert.equal(seenByAlice?.unread, 2);
      // Sending moved each author's marker to their own last message.
      assert.deepEqual(seenByAlice?.markers, [
        { userId: alice.id, lastReadId: (last?.id as number) - 2 },
        { userId: bob.id, lastReadId: last?.id },
      ]);
      assert.equal((await store.roomOfMember(roomId, bob.id))?.unread, 0);
    });

    test('unread counting stops at the cap', async () => {
      const [alice, bob] = [await createUser(), await createUser()];
      const roomId = await createRoom(alice, bob);
      const burst = Array.from({ length: UNREAD_COUNT_CAP + 5 }, (_, i) =>
        message(roomId, bob, `${i}`),
      );
      await store.appendMessages(burst);
      assert.equal((await store.roomOfMember(roomId, alice.id))?.unread, UNREAD_COUNT_CAP);
      const [oldestOfTen] = await store.history(roomId, { limit: 10 });
      await store.markRead(roomId, alice.id, (oldestOfTen?.id as number) - 1);
      assert.equal((await store.roomOfMember(roomId, alice.id))?.unread, 10);
    });

    test('a read marker moves forward only, never past the last message, members only', async () => {
      const [alice, bob, carol] = [await createUser(), await createUser(), await createUser()];
      const roomId = await createRoom(alice, bob);
      assert.deepEqual(await store.markRead(roomId, alice.id, 5), { lastReadId: 0, moved: false });
      const stored = await store.appendMessages(
        Array.from({ length: 4 }, (_, i) => message(roomId, bob, `${i}`)),
      );
      const ids = stored.map((each) => each.id);
      assert.deepEqual(await store.markRead(roomId, alice.id, ids[1] as number), {
        lastReadId: ids[1],
        moved: true,
      });
      assert.deepEqual(await store.markRead(roomId, alice.id, ids[0] as number), {
        lastReadId: ids[1],
        moved: false,
      });
      assert.deepEqual(await store.markRead(roomId, alice.id, Number.MAX_SAFE_INTEGER), {
        lastReadId: ids[3],
        moved: true,
      });
      assert.equal(await store.markRead(roomId, carol.id, ids[3] as number), undefined);
      assert.equal(await store.markRead(roomId + 1000, alice.id, 1), undefined);
      // Bob's own later message does not pull his marker back.
      await store.markRead(roomId, bob.id, ids[3] as number);
      await store.appendMessages([
        message(roomId, bob, 'retry', 'once'),
        message(roomId, bob, 'x'),
      ]);
      await store.appendMessages([message(roomId, bob, 'retry', 'once')]);
      const markers = (await store.roomOfMember(roomId, bob.id))?.markers;
      assert.equal(markers?.[1]?.lastReadId, await store.lastMessageId(roomId));
    });

    test('two devices marking at once never move a marker back', async () => {
      const other = await open(database);
      try {
        const [alice, bob] = [await createUser(), await createUser()];
        const roomId = await createRoom(alice, bob);
        const stored = await store.appendMessages(
          Array.from({ length: 60 }, (_, i) => message(roomId, bob, `${i}`)),
        );
        const ids = stored.map((each) => each.id);
        // Shuffled so that lower marks keep arriving after higher ones.
        const marks = ids.map((_, i) => ids[(i * 37) % ids.length] as number);
        const answers = await Promise.all(
          marks.map((id, i) => (i % 2 ? other : store).markRead(roomId, alice.id, id)),
        );
        for (const [i, answer] of answers.entries()) {
          assert.ok((answer?.lastReadId as number) >= (marks[i] as number));
        }
        assert.equal((await store.roomOfMember(roomId, alice.id))?.lastReadId, ids.at(-1));
      } finally {
        await other.close();
      }
    });

    test('pages of rooms never repeat or skip a room, even with equal activity times', async () => {
      const [alice, bob] = [await createUser(), await createUser()];
      const created: number[] = [];
      for (let i = 0; i < 7; i++) created.push(await createRoom(alice, bob, await createUser()));
      await store.appendMessages([message(created[2] as number, bob, 'moves it up')]);
      const expected = [created[2], ...created.filter((_, i) => i !== 2).reverse()];
      const seen: number[] = [];
      let after: RoomPosition | undefined;
      for (;;) {
        const page = await store.roomsOf(alice.id, { after, limit: 3 });
        seen.push(...page.map((room) => room.id));
        if (page.length < 3) break;
        after = page.at(-1)?.position;
      }
      assert.deepEqual(seen, expected);
    });

    test('creation limits: a cap in all and a rate, counted per creator, an existing set always found', async () => {
      const [alice, bob, carol] = [await createUser(), await createUser(), await createUser()];
      const limits = { maxCreated: 3, maxRecent: 2, recentSince: NOW - 60 };
      const create = (creator: User, ids: number[], now = NOW, given = limits) =>
        store.findOrCreateRoom(memberSetKey(ids), ids, creator.id, now, given);
      assert.equal((await create(alice, [alice.id])).outcome, 'created');
      assert.equal((await create(alice, [alice.id, bob.id], NOW + 1)).outcome, 'created');
      assert.deepEqual(await create(alice, [alice.id, carol.id], NOW + 2), {
        outcome: 'too_fast',
        oldestRecentAt: NOW,
      });
      assert.equal((await create(alice, [alice.id, bob.id])).outcome, 'existing');
      assert.equal((await create(bob, [bob.id, carol.id])).outcome, 'created');
      const later = { ...limits, recentSince: NOW + 10 };
      assert.equal((await create(alice, [alice.id, carol.id], NOW + 70, later)).outcome, 'created');
      assert.deepEqual(await create(alice, [alice.id, bob.id, carol.id], NOW + 71, later), {
        outcome: 'too_many_rooms',
      });
    });

    test('one creator racing against the cap from two nodes gets exactly the cap', async () => {
      const other = await open(database);
      try {
        const alice = await createUser();
        const others = await Promise.all(Array.from({ length: 12 }, () => createUser()));
        const limits = { maxCreated: 5, maxRecent: 1000, recentSince: 0 };
        const outcomes = await Promise.all(
          others.map((user, i) => {
            const ids = [alice.id, user.id];
            return (i % 2 ? other : store).findOrCreateRoom(
              memberSetKey(ids),
              ids,
              alice.id,
              NOW,
              limits,
            );
          }),
        );
        const created = outcomes.filter((outcome) => outcome.outcome === 'created');
        assert.equal(created.length, 5);
        assert.equal((await store.roomsOf(alice.id, { limit: 50 })).length, 5);
      } finally {
        await other.close();
      }
    });

    test('history as JSON text is byte for byte the API’s JSON of the same messages', async () => {
      const alice = await createUser();
      const roomId = await createRoom(alice);
      const texts = [
        'Привет',
        'quote " backslash \\ slash /',
        'controls \u0001\b\f\n\r\t\u001f\u007f',
        'emoji 😀, U+2028 \u2028, U+FEFF \ufeff',
        '<script>&amp;</script>',
      ];
      await store.appendMessages(texts.map((text) => message(roomId, alice, text)));
      const later = { ...message(roomId, alice, 'later'), createdAt: 2_000_000_000 };
      await store.appendMessages([later]);
      const ranges = [{ limit: 50 }, { limit: 2 }, { after: 0, limit: 3 }, { before: 1, limit: 5 }];
      for (const range of ranges) {
        const expected = JSON.stringify((await store.history(roomId, range)).map(toMessageJson));
        assert.equal(await store.historyJson(roomId, range), expected, JSON.stringify(range));
      }
      assert.equal(await store.historyJson(roomId + 1000, { limit: 5 }), '[]');
      assert.equal(
        await store.historyJson(roomId, { after: 1e300, before: 2 ** 64, limit: 5 }),
        '[]',
      );
    });
  });
}
