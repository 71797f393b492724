// Read markers and unread counts over HTTP: POST /v1/rooms/:id/read, and the room JSON everywhere.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError, JSON_TYPE } from '../helpers/expect-error.js';
import { createRoom, registerUser, request, sendMessage, type TestUser } from '../helpers/http.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

for (const backend of backends()) {
  describe(`read markers and unread counts (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend });
    });
    after(() => server.close());

    const markRead = (caller: TestUser, roomId: number | string, body: unknown) =>
      request(server.url, 'POST', `/v1/rooms/${roomId}/read`, { session: caller.session, body });
    const info = async (caller: TestUser, roomId: number) => {
      const reply = await request(server.url, 'GET', `/v1/rooms/${roomId}`, {
        session: caller.session,
      });
      assert.equal(reply.status, 200);
      return reply.body;
    };
    const listed = async (caller: TestUser, roomId: number) => {
      const reply = await request(server.url, 'GET', '/v1/rooms', { session: caller.session });
      return reply.body.find((room: { id: number }) => room.id === roomId);
    };

    async function pair(): Promise<[TestUser, TestUser, number]> {
      const [a, b] = [await registerUser(server.url), await registerUser(server.url)];
      return [a, b, await createRoom(server.url, a, [b])];
    }

    test('a new room: no last message, nothing read, nothing unread, in create, list and info', async () => {
      const [alice, bob] = [await registerUser(server.url), await registerUser(server.url)];
      const created = await request(server.url, 'POST', '/v1/rooms', {
        session: alice.session,
        body: { users: [{ id: bob.id }] },
      });
      const fresh = { last_message: null, last_read_id: 0, unread: 0 };
      const { last_message, last_read_id, unread } = created.body;
      assert.deepEqual({ last_message, last_read_id, unread }, fresh);
      const roomId = created.body.id;
      assert.deepEqual(await listed(bob, roomId), { ...created.body, ...fresh });
      assert.deepEqual((await info(bob, roomId)).read, [
        { user_id: alice.id, last_read_id: 0 },
        { user_id: bob.id, last_read_id: 0 },
      ]);
    });

    test('unread counts other members’ messages above the marker; sending moves the sender’s', async () => {
      const [alice, bob, roomId] = await pair();
      await sendMessage(server.url, alice, roomId, 'мой');
      const first = await sendMessage(server.url, bob, roomId, 'раз');
      await sendMessage(server.url, bob, roomId, 'два');
      const last = await sendMessage(server.url, bob, roomId, 'три');
      const seenByAlice = await listed(alice, roomId);
      assert.deepEqual(seenByAlice.last_message, last);
      assert.equal(seenByAlice.unread, 3);
      assert.equal(seenByAlice.last_read_id, first.id - 1);
      assert.equal((await listed(bob, roomId)).unread, 0);
      assert.equal((await info(bob, roomId)).last_read_id, last.id);

      const reply = await markRead(alice, roomId, { message_id: first.id });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      assert.deepEqual(reply.body, { room_id: roomId, last_read_id: first.id });
      assert.equal((await info(alice, roomId)).unread, 2);
      assert.deepEqual((await info(bob, roomId)).read, [
        { user_id: alice.id, last_read_id: first.id },
        { user_id: bob.id, last_read_id: last.id },
      ]);
    });

    test('a marker only moves forward, and never past the room’s last message', async () => {
      const [alice, bob, roomId] = await pair();
      const empty = await markRead(alice, roomId, { message_id: 42 });
      assert.deepEqual(empty.body, { room_id: roomId, last_read_id: 0 });
      const one = await sendMessage(server.url, bob, roomId, 'one');
      const two = await sendMessage(server.url, bob, roomId, 'two');
      assert.deepEqual((await markRead(alice, roomId, { message_id: two.id })).body, {
        room_id: roomId,
        last_read_id: two.id,
      });
      assert.deepEqual((await markRead(alice, roomId, { message_id: one.id })).body, {
        room_id: roomId,
        last_read_id: two.id,
      });
      const far = await markRead(alice, roomId, { message_id: Number.MAX_SAFE_INTEGER });
      assert.deepEqual(far.body, { room_id: roomId, last_read_id: two.id });
    });

    test('a message id of another room is a position: it never moves past this room’s last', async () => {
      const [alice, bob, roomId] = await pair();
      const here = await sendMessage(server.url, bob, roomId, 'here');
      const otherRoom = await createRoom(server.url, bob, []);
      const elsewhere = await sendMessage(server.url, bob, otherRoom, 'elsewhere');
      const reply = await markRead(alice, roomId, { message_id: elsewhere.id });
      assert.deepEqual(reply.body, { room_id: roomId, last_read_id: here.id });
    });

    test('two devices marking at once never move the marker back', async () => {
      const [alice, bob, roomId] = await pair();
      const phone = await request(server.url, 'POST', '/v1/login', {
        body: { login: alice.login, password: 'pass:word1' },
      });
      const devices = [alice, { ...alice, session: phone.body.session_id as string }];
      const ids: number[] = [];
      for (let i = 0; i < 30; i++)
        ids.push((await sendMessage(server.url, bob, roomId, `${i}`)).id);
      const marks = ids.map((_, i) => ids[(i * 7) % ids.length] as number);
      const replies = await Promise.all(
        marks.map((id, i) => markRead(devices[i % 2] as TestUser, roomId, { message_id: id })),
      );
      for (const [i, reply] of replies.entries()) {
        assert.equal(reply.status, 200);
        assert.ok(reply.body.last_read_id >= (marks[i] as number));
      }
      assert.equal((await info(alice, roomId)).last_read_id, ids.at(-1));
      assert.equal((await info(alice, roomId)).unread, 0);
    });

    test('unread is exact up to 1000, then says 1000', async () => {
      const [alice, bob, roomId] = await pair();
      const socket = await ChatClient.open(server.wsUrl, roomId, bob.session);
      try {
        for (let i = 0; i < 1003; i++) socket.send({ text: `m${i}`, client_id: `c${i}` });
        await socket.find((frame) => frame.client_id === 'c1002', 30_000);
      } finally {
        await socket.close();
      }
      assert.equal((await listed(alice, roomId)).unread, 1000);
      const history = await request(server.url, 'GET', `/v1/rooms/${roomId}/messages?limit=5`, {
        session: alice.session,
      });
      await markRead(alice, roomId, { message_id: history.body[0].id - 1 });
      assert.equal((await info(alice, roomId)).unread, 5);
    });

    test('bad message ids are invalid_json, and change nothing', async () => {
      const [alice, bob, roomId] = await pair();
      await sendMessage(server.url, bob, roomId, 'x');
      const bad = [
        {},
        { message_id: '1' },
        { message_id: 0 },
        { message_id: -1 },
        { message_id: 1.5 },
        { message_id: 2 ** 53 },
        { message_id: 1e300 },
        { message_id: null },
        { message_id: true },
        { message_id: [1] },
        [],
        'text',
        7,
      ];
      for (const body of bad) {
        expectError(await markRead(alice, roomId, body), 422, 'invalid_json');
      }
      const raw = await request(server.url, 'POST', `/v1/rooms/${roomId}/read`, {
        session: alice.session,
        raw: '{"message_id":',
      });
      expectError(raw, 422, 'invalid_json');
      assert.equal((await info(alice, roomId)).last_read_id, 0);
    });

    test('rooms the caller cannot see are room_not_found; no session is 401', async () => {
      const [alice, bob, roomId] = await pair();
      const stranger = await registerUser(server.url);
      await sendMessage(server.url, bob, roomId, 'x');
      const body = { message_id: 1 };
      expectError(await markRead(stranger, roomId, body), 422, 'room_not_found');
      for (const id of ['0', '-1', '1.5', 'abc', '99999999999999999999', String(roomId + 1000)]) {
        expectError(await markRead(alice, id, body), 422, 'room_not_found');
      }
      const anonymous = await request(server.url, 'POST', `/v1/rooms/${roomId}/read`, { body });
      expectError(anonymous, 401, 'unauthorized');
      assert.equal((await info(bob, roomId)).read[0].last_read_id, 0, 'alice read nothing');
    });
  });
}
