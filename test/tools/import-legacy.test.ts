// import-legacy end to end: an e_chat_server database built in PostgreSQL, imported into SQLite
// and into PostgreSQL, then used through the HTTP API and the WebSocket as its clients would.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openSourceStore } from '../../src/tools/store-database.js';
import { MESSAGES, USERS } from '../../src/tools/tables.js';
import { backends, type TestDatabase } from '../helpers/backends.js';
import { expectError } from '../helpers/expect-error.js';
import { request } from '../helpers/http.js';
import {
  createLegacyDatabase,
  IMPORTED_LOGINS,
  LEGACY_LAST_MESSAGE_ID,
  LEGACY_MESSAGE_COUNT,
  LEGACY_ROOMS,
  LEGACY_SESSION_UUID,
  LEGACY_USERS,
  queryLegacy,
} from '../helpers/legacy-database.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { rowCounts } from '../helpers/store-rows.js';
import { runToolCaptured } from '../helpers/tool-run.js';
import { ChatClient } from '../helpers/ws.js';

const POSTGRES_URL = process.env.DATABASE_URL;
const hasPostgres = POSTGRES_URL !== undefined && /^postgres(ql)?:\/\//.test(POSTGRES_URL);
if (!hasPostgres)
  console.log('import-legacy suites skipped: DATABASE_URL is not a postgres:// URL');

const TIMEZONE = 'Europe/Moscow';

interface ExpectedMessage {
  id: number;
  room_id: number;
  user_id: number;
  text: string;
  created_at: string;
}

/** The legacy messages as our API must show them: times read in TIMEZONE, shown in UTC. */
function expectedHistory(legacyUrl: string): Promise<ExpectedMessage[]> {
  return queryLegacy<ExpectedMessage>(
    legacyUrl,
    `SELECT id, room_id, user_id, coalesce(text, '') AS text,
            to_char((created_at AT TIME ZONE $1) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at
       FROM messages WHERE user_id IN (SELECT id FROM users) AND room_id IN (SELECT id FROM rooms)
      ORDER BY id`,
    [TIMEZONE],
  );
}

async function logIn(url: string, userId: number): Promise<string> {
  const user = LEGACY_USERS.find((each) => each.id === userId);
  const reply = await request(url, 'POST', '/v1/login', {
    body: { login: IMPORTED_LOGINS[userId], password: user?.password },
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.session_id as string;
}

async function passwordHashOf(databaseUrl: string, userId: number): Promise<string> {
  const database = await openSourceStore(databaseUrl);
  try {
    const rows = await database.readPage(USERS, [userId - 1], 1);
    return rows[0]?.[3] as string;
  } finally {
    await database.close();
  }
}

/** Every message of a room through the API, page by page with `after`. */
async function history(url: string, session: string, roomId: number) {
  const messages: ExpectedMessage[] = [];
  for (;;) {
    const last = messages.at(-1)?.id ?? 0;
    const page = await request(url, 'GET', `/v1/rooms/${roomId}/messages?after=${last}&limit=200`, {
      session,
    });
    assert.equal(page.status, 200);
    if (page.body.length === 0) return messages;
    messages.push(...page.body);
  }
}

/** A member of each legacy room to read it as. */
const READER_OF_ROOM: Record<number, number> = { 1: 1, 2: 1, 3: 1, 4: 1, 5: 3, 6: 6 };

describe('import-legacy', { skip: !hasPostgres }, () => {
  let legacy: TestDatabase & { url: string };
  before(async () => {
    legacy = await createLegacyDatabase(POSTGRES_URL as string);
  });
  after(() => legacy?.drop());

  for (const backend of backends()) {
    describe(`into ${backend.name}`, () => {
      let target: TestDatabase;
      let server: TestServer;
      let firstRun: { code: number; stdout: string; stderr: string };
      const importArgs = () => ['--from', legacy.url, '--sessions', '--timezone', TIMEZONE];

      before(async () => {
        target = await backend.createDatabase();
        firstRun = await runToolCaptured('import-legacy', importArgs(), target.env);
        server = await startServer({ env: target.env });
      });
      after(async () => {
        await server?.close();
        await target?.drop();
      });

      test('completes, listing each conflict it resolved and each row it could not import', () => {
        assert.equal(firstRun.code, 0, firstRun.stderr);
        assert.equal(firstRun.stderr, '');
        for (const line of [
          'user 3: login "ВАСИЛИЙ" imported as "ВАСИЛИЙ_3"',
          'user 8: login "василий_3" imported as "василий_3_8"',
          'user 6: login " spaced out " imported as "spaced out"',
          'room 2: an older room has the same members; both kept',
          'membership of user 999 in room 4: user 999 does not exist',
          'membership of user 1 in room 77: room 77 does not exist',
          'message 20001: user 999 does not exist; not imported',
          'message 20002: room 555 does not exist; not imported',
          'session 2: user 999 does not exist; not imported',
          `messages: 10002 read, ${LEGACY_MESSAGE_COUNT} imported, 0 already present, 2 not importable`,
          'duplicate memberships collapsed into one: 3',
        ]) {
          assert.ok(firstRun.stdout.includes(line), `missing: ${line}\n${firstRun.stdout}`);
        }
      });

      test('an MD5 digest is never accepted as a password, nor is a password that is not MD5', async () => {
        const user = LEGACY_USERS[3] as (typeof LEGACY_USERS)[number];
        const md5 = createHash('md5').update(user.password).digest('hex');
        for (const password of [md5, md5.toUpperCase(), `legacy-md5:${md5.toUpperCase()}`]) {
          const reply = await request(server.url, 'POST', '/v1/login', {
            body: { login: IMPORTED_LOGINS[user.id], password },
          });
          expectError(reply, 422, 'wrong_credentials');
        }
        expectError(
          await request(server.url, 'POST', '/v1/login', {
            body: { login: 'plain', password: 'not-an-md5' },
          }),
          422,
          'wrong_credentials',
        );
        assert.match(
          await passwordHashOf(target.env.DATABASE_URL as string, user.id),
          /^legacy-md5:/,
        );
      });

      test('legacy users log in with their old passwords; the MD5 is then replaced by argon2id', async () => {
        for (const user of LEGACY_USERS) {
          const session = await logIn(server.url, user.id);
          const info = await request(server.url, 'GET', '/v1/info', { session });
          assert.deepEqual(info.body, { id: user.id, login: IMPORTED_LOGINS[user.id] });
          const hash = await passwordHashOf(target.env.DATABASE_URL as string, user.id);
          assert.match(hash, /^\$argon2id\$/, `user ${user.id}`);
          await logIn(server.url, user.id);
        }
      });

      test('an imported session stays logged in, over HTTP and the WebSocket', async () => {
        const info = await request(server.url, 'GET', '/v1/info', { session: LEGACY_SESSION_UUID });
        assert.deepEqual(info.body, { id: 1, login: 'Василий' });
        const socket = await ChatClient.open(server.wsUrl, 1, LEGACY_SESSION_UUID);
        await socket.close();
      });

      test('rooms keep their ids and members; a room for a shared member set returns the oldest', async () => {
        const session = await logIn(server.url, 1);
        const rooms = await request(server.url, 'GET', '/v1/rooms', { session });
        const ids = (rooms.body as { id: number }[]).map((room) => room.id).sort();
        assert.deepEqual(ids, [1, 2, 3, 4]);
        for (const roomId of [1, 2, 3]) {
          const room = await request(server.url, 'GET', `/v1/rooms/${roomId}`, { session });
          const members = (room.body.users as { id: number }[]).map((member) => member.id);
          assert.deepEqual(members, [...(LEGACY_ROOMS[roomId] ?? [])].sort());
        }
        const created = await request(server.url, 'POST', '/v1/rooms', {
          session,
          body: { users: [{ id: 2 }] },
        });
        assert.equal(created.body.id, 1);
      });

      test('history is intact: every message with its id, author, text and time', async () => {
        const expected = await expectedHistory(legacy.url);
        assert.equal(expected.length, LEGACY_MESSAGE_COUNT);
        const seen: ExpectedMessage[] = [];
        for (const [roomId, readerId] of Object.entries(READER_OF_ROOM)) {
          const session = await logIn(server.url, readerId);
          seen.push(...(await history(server.url, session, Number(roomId))));
        }
        seen.sort((a, b) => a.id - b.id);
        assert.deepEqual(
          seen.map(({ id, room_id, user_id, text, created_at }) => ({
            id,
            room_id,
            user_id,
            text,
            created_at,
          })),
          expected,
        );
      });

      test('each member has read up to their own last message; the rest counts as unread', async () => {
        for (const [roomId, readerId] of Object.entries(READER_OF_ROOM)) {
          const session = await logIn(server.url, readerId);
          const messages = await history(server.url, session, Number(roomId));
          const own = messages.filter((message) => message.user_id === readerId);
          const lastReadId = own.at(-1)?.id ?? 0;
          const room = await request(server.url, 'GET', `/v1/rooms/${roomId}`, { session });
          assert.equal(room.body.last_read_id, lastReadId, `room ${roomId}`);
          const unread = messages.filter((message) => message.id > lastReadId).length;
          assert.equal(room.body.unread, unread, `room ${roomId}`);
        }
      });

      test('new messages continue after the imported ids, live and in catch-up', async () => {
        const [vasya, petr] = [await logIn(server.url, 1), await logIn(server.url, 2)];
        const lastOfRoom = (await history(server.url, vasya, 1)).at(-1)?.id as number;
        const listener = await ChatClient.open(server.wsUrl, 1, vasya, {
          query: `&after=${lastOfRoom - 1}`,
        });
        const replayed = await listener.next();
        assert.equal(replayed.id, lastOfRoom);
        const sender = await ChatClient.open(server.wsUrl, 1, petr);
        const sent = await sender.post('Новое сообщение', 'after-import');
        assert.equal(sent.id, LEGACY_LAST_MESSAGE_ID + 1);
        const live = await listener.next();
        assert.equal(live.id, sent.id);
        assert.equal(live.text, 'Новое сообщение');
        await Promise.all([listener.close(), sender.close()]);
      });

      test('importing again adds nothing', async () => {
        const url = target.env.DATABASE_URL as string;
        const before = await rowCounts(url);
        const again = await runToolCaptured('import-legacy', importArgs(), target.env);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(await rowCounts(url), before);
        assert.match(again.stdout, /messages: 10002 read, 0 imported, 10000 already present/);
        const database = await openSourceStore(url);
        assert.equal(await database.lastId(MESSAGES), LEGACY_LAST_MESSAGE_ID + 1);
        await database.close();
      });
    });
  }
});
