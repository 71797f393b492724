// A database of the previous release (schema 001, with data) upgrades in place at start, data kept.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { memberSetKey } from '../../src/domain/member-set.js';
import type { Store } from '../../src/domain/ports/store.js';
import { openStore } from '../../src/store/open-store.js';
import { migrate as migratePostgres } from '../../src/store/postgres/migrate.js';
import { createPool } from '../../src/store/postgres/pool.js';
import { openConnection } from '../../src/store/sqlite/connection.js';
import { filenameOf, migrate as migrateSqlite } from '../../src/store/sqlite/sqlite-store.js';
import { backends, type TestDatabase } from '../helpers/backends.js';

const NOW = 1_700_000_000;

/** Written with the 001 schema only: ids start at 1 on a fresh database of either engine. */
const RELEASE_1_DATA = `
  INSERT INTO users (login, login_key, password_hash, created_at)
    VALUES ('Алиса', 'алиса', 'hash-a', ${NOW}), ('bob', 'bob', 'hash-b', ${NOW});
  INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at)
    VALUES ('token-a', 1, ${NOW}, ${NOW});
  INSERT INTO rooms (member_set_key, created_at, last_activity_at, last_message_id)
    VALUES ('${memberSetKey([1, 2])}', ${NOW}, ${NOW + 30}, 3);
  INSERT INTO room_members (room_id, user_id) VALUES (1, 1), (1, 2);
  INSERT INTO messages (room_id, user_id, text, client_id, previous_id, created_at)
    VALUES (1, 2, 'привет', 'c-1', 0, ${NOW + 10}), (1, 1, 'ты тут?', NULL, 1, ${NOW + 20}),
           (1, 2, 'да', NULL, 2, ${NOW + 30});`;

async function writeRelease1(database: TestDatabase): Promise<void> {
  const url = database.env.DATABASE_URL as string;
  if (url.startsWith('sqlite:')) {
    const db = openConnection(filenameOf(url));
    migrateSqlite(db, 1);
    db.exec(RELEASE_1_DATA);
    db.close();
    return;
  }
  const pool = createPool(url, 1, 10_000);
  try {
    await migratePostgres(pool, 1);
    await pool.query(RELEASE_1_DATA);
  } finally {
    await pool.end();
  }
}

for (const backend of backends()) {
  describe(`migration 002 on a release-1 database (${backend.name})`, () => {
    let database: TestDatabase;
    let store: Store;
    before(async () => {
      database = await backend.createDatabase();
      await writeRelease1(database);
      const databaseUrl = database.env.DATABASE_URL as string;
      store = await openStore({ databaseUrl, databasePoolSize: 2, databaseTimeoutMs: 10_000 });
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test('users, sessions, rooms and messages are kept', async () => {
      const alice = { id: 1, login: 'Алиса' };
      assert.deepEqual(await store.findCredentials('алиса'), {
        user: alice,
        passwordHash: 'hash-a',
      });
      assert.deepEqual(await store.findSession('token-a', NOW), { user: alice, lastSeenAt: NOW });
      const history = await store.history(1, { limit: 50 });
      assert.deepEqual(
        history.map((message) => [message.id, message.userId, message.text, message.clientId]),
        [
          [1, 2, 'привет', 'c-1'],
          [2, 1, 'ты тут?', null],
          [3, 2, 'да', null],
        ],
      );
    });

    test('each marker starts at the member’s own last message, as if sent after 002', async () => {
      const [room] = await store.roomsOf(1, { limit: 10 });
      assert.equal(room?.id, 1);
      assert.deepEqual(room?.users, [
        { id: 1, login: 'Алиса' },
        { id: 2, login: 'bob' },
      ]);
      assert.equal(room?.lastMessage?.text, 'да');
      assert.equal(room?.lastReadId, 2);
      assert.equal(room?.unread, 1);
      assert.deepEqual(room?.markers, [
        { userId: 1, lastReadId: 2 },
        { userId: 2, lastReadId: 3 },
      ]);
    });

    test('the upgraded database takes new messages, markers and rooms', async () => {
      const [stored] = await store.appendMessages([
        { roomId: 1, userId: 2, text: 'ок', clientId: null, createdAt: NOW + 40 },
      ]);
      assert.equal(stored?.previousId, 3);
      assert.deepEqual(await store.markRead(1, 1, 3), { lastReadId: 3, moved: true });
      assert.equal((await store.roomOfMember(1, 1))?.unread, 1);
      assert.equal((await store.roomOfMember(1, 2))?.lastReadId, stored?.id);
      // Rooms of the previous release have no creator: they count against nobody's cap.
      const limits = { maxCreated: 1, maxRecent: 1, recentSince: 0 };
      const creation = await store.findOrCreateRoom(memberSetKey([1]), [1], 1, NOW, limits);
      assert.equal(creation.outcome, 'created');
    });
  });
}
