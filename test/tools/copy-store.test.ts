// copy-store: a SQLite store with data copied to PostgreSQL and back, every row compared; the
// copy then serves the same clients, ids continuing where they stopped.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends, type TestDatabase } from '../helpers/backends.js';
import { createRoom, registerUser, request, type TestUser } from '../helpers/http.js';
import { startServer } from '../helpers/server.js';
import { allRows } from '../helpers/store-rows.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runToolCaptured } from '../helpers/tool-run.js';
import { ChatClient } from '../helpers/ws.js';

const postgres = backends().find((backend) => backend.name === 'postgres');
if (!postgres) console.log('copy-store suite skipped: DATABASE_URL is not a postgres:// URL');

const MESSAGES_PER_ROOM = 120;
/** Small pages, so every table takes several. */
const BATCH = ['--batch-size', '50'];

/** A store with users, sessions, rooms and messages (some with client ids), made through the API. */
async function fillStore(databaseUrl: string): Promise<{ users: TestUser[]; rooms: number[] }> {
  const server = await startServer({ env: { DATABASE_URL: databaseUrl } });
  try {
    const users = [];
    for (const login of ['Анна', `O'Hara "Scarlett"`, 'Робот; DROP TABLE rooms']) {
      users.push(await registerUser(server.url, login));
    }
    const [anna, scarlett, robot] = users as [TestUser, TestUser, TestUser];
    const rooms = [
      await createRoom(server.url, anna, [scarlett]),
      await createRoom(server.url, anna, [scarlett, robot]),
    ];
    for (const roomId of rooms) {
      const socket = await ChatClient.open(server.wsUrl, roomId, anna.session);
      for (let n = 1; n <= MESSAGES_PER_ROOM; n++) {
        const text = n % 2 === 0 ? `Привет №${n}` : `'; DELETE FROM messages; -- ${n}`;
        if (n % 3 === 0) await socket.post(text, `client-${n}`);
        else socket.send({ text });
      }
      await socket.post('last', 'last');
      await socket.close();
    }
    return { users, rooms };
  } finally {
    await server.close();
  }
}

describe('copy-store', { skip: !postgres }, () => {
  const dir = tempDir();
  const sqliteUrl = `sqlite:${dir.path}/chat.db`;
  const backUrl = `sqlite:${dir.path}/back.db`;
  let target: TestDatabase;
  let postgresUrl: string;
  let filled: { users: TestUser[]; rooms: number[] };

  before(async () => {
    filled = await fillStore(sqliteUrl);
    target = await (postgres as NonNullable<typeof postgres>).createDatabase();
    postgresUrl = target.env.DATABASE_URL as string;
  });
  after(async () => {
    await target?.drop();
    dir.cleanup();
  });

  test('SQLite → PostgreSQL → SQLite keeps every row of every table', async () => {
    const there = await runToolCaptured('copy-store', [
      '--from',
      sqliteUrl,
      '--to',
      postgresUrl,
      ...BATCH,
    ]);
    assert.equal(there.code, 0, there.stderr);
    assert.match(there.stdout, /counts and last ids checked/);
    const back = await runToolCaptured('copy-store', [
      '--from',
      postgresUrl,
      '--to',
      backUrl,
      ...BATCH,
    ]);
    assert.equal(back.code, 0, back.stderr);

    const original = await allRows(sqliteUrl);
    assert.equal(original.messages?.length, 2 * (MESSAGES_PER_ROOM + 1));
    assert.equal(original.sessions?.length, 3);
    assert.deepEqual(await allRows(postgresUrl), original);
    assert.deepEqual(await allRows(backUrl), original);
  });

  test('a target with rows is refused unless --append, which adds only what it lacks', async () => {
    const refused = await runToolCaptured('copy-store', ['--from', sqliteUrl, '--to', postgresUrl]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^e-chat-server copy-store: .* is not empty .*--append.*\n$/);
    const appended = await runToolCaptured('copy-store', [
      '--from',
      sqliteUrl,
      '--to',
      postgresUrl,
      '--append',
    ]);
    assert.equal(appended.code, 0, appended.stderr);
    assert.match(appended.stdout, /messages: 242 read, 0 copied, 242 already present/);
    assert.deepEqual(await allRows(postgresUrl), await allRows(sqliteUrl));
  });

  test('a server on the copy knows the sessions and continues every id', async () => {
    const server = await startServer({ env: { DATABASE_URL: postgresUrl } });
    try {
      const [anna, scarlett] = filled.users as [TestUser, TestUser];
      const info = await request(server.url, 'GET', '/v1/info', { session: anna.session });
      assert.deepEqual(info.body, { id: anna.id, login: anna.login });
      const login = await request(server.url, 'POST', '/v1/login', {
        body: { login: scarlett.login, password: 'pass:word1' },
      });
      assert.equal(login.status, 200);
      const copied = await allRows(postgresUrl);
      const lastId = (table: string) =>
        Math.max(...(copied[table] ?? []).map((row) => row[0] as number));

      const newcomer = await registerUser(server.url, 'Новичок');
      assert.equal(newcomer.id, lastId('users') + 1);
      const room = await createRoom(server.url, anna, [newcomer]);
      assert.equal(room, lastId('rooms') + 1);
      assert.equal(await createRoom(server.url, anna, [scarlett]), filled.rooms[0]);
      const socket = await ChatClient.open(server.wsUrl, filled.rooms[0] as number, anna.session);
      const sent = await socket.post('после переезда', 'after-copy');
      assert.equal(sent.id, lastId('messages') + 1);
      await socket.close();
    } finally {
      await server.close();
    }
  });
});
