// Sending over HTTP: POST /v1/rooms/:id/messages, the same rules and the same path as a room socket.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { backends } from '../helpers/backends.js';
import { expectError, JSON_TYPE } from '../helpers/expect-error.js';
import { createRoom, registerUser, request, sendMessage, type TestUser } from '../helpers/http.js';
import { roomHistory } from '../helpers/observe.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ChatClient } from '../helpers/ws.js';

const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const PER_SECOND = 3;

for (const backend of backends()) {
  describe(`sending over HTTP (${backend.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: number;
    const open: ChatClient[] = [];
    before(async () => {
      server = await startServer({ backend, env: { MESSAGE_MAX_CHARS: '10' } });
      alice = await registerUser(server.url, 'Алиса');
      bob = await registerUser(server.url);
      roomId = await createRoom(server.url, alice, [bob]);
    });
    afterEach(() => Promise.all(open.splice(0).map((client) => client.close())));
    after(() => server.close());

    const post = (caller: TestUser, room: number | string, body: unknown) =>
      request(server.url, 'POST', `/v1/rooms/${room}/messages`, { session: caller.session, body });
    async function connect(user: TestUser): Promise<ChatClient> {
      const client = await ChatClient.open(server.wsUrl, roomId, user.session);
      open.push(client);
      return client;
    }

    test('answers the stored message, in history at once and on every room socket', async () => {
      const [bobs, alicesOther] = [await connect(bob), await connect(alice)];
      const latestPage = () =>
        request(server.url, 'GET', `/v1/rooms/${roomId}/messages`, { session: bob.session });
      assert.deepEqual((await latestPage()).body, []);
      const reply = await post(alice, roomId, { text: 'Привет' });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), JSON_TYPE);
      assert.deepEqual(Object.keys(reply.body), ['id', 'text', 'user_id', 'room_id', 'created_at']);
      assert.equal(reply.body.text, 'Привет');
      assert.equal(reply.body.user_id, alice.id);
      assert.equal(reply.body.room_id, roomId);
      assert.match(reply.body.created_at, CREATED_AT);
      assert.deepEqual((await roomHistory(server.url, bob.session, roomId)).at(-1), reply.body);
      // The latest page read before it was sent does not hide it.
      assert.deepEqual((await latestPage()).body, [reply.body]);
      assert.deepEqual(await bobs.next(), reply.body);
      // The sender's own sockets get it too: none of them sent it.
      assert.deepEqual(await alicesOther.next(), reply.body);
    });

    test('with a client_id: the answer carries it, and a retry stores nothing new', async () => {
      const first = await post(alice, roomId, { text: 'один', client_id: 'h-1' });
      assert.equal(first.status, 200);
      assert.equal(first.body.client_id, 'h-1');
      const again = await post(alice, roomId, { text: 'другой', client_id: 'h-1' });
      assert.deepEqual(again.body, first.body);
      const history = await roomHistory(server.url, alice.session, roomId);
      assert.equal(history.filter((message) => message.id === first.body.id).length, 1);
      assert.equal(history.at(-1)?.id, first.body.id);
      // Another user's client id of the same text is their own message.
      const bobs = await post(bob, roomId, { text: 'один', client_id: 'h-1' });
      assert.notEqual(bobs.body.id, first.body.id);
    });

    test('one client_id over WebSocket and HTTP, in either order, is one message', async () => {
      const socket = await connect(alice);
      const overSocket = await socket.post('сокет', 'both-1');
      const overHttp = await post(alice, roomId, { text: 'по HTTP', client_id: 'both-1' });
      assert.deepEqual(overHttp.body, overSocket);

      const httpFirst = await post(alice, roomId, { text: 'HTTP', client_id: 'both-2' });
      const socketAck = await socket.post('сокет 2', 'both-2');
      assert.deepEqual(socketAck, httpFirst.body);
      const history = await roomHistory(server.url, alice.session, roomId);
      const ids = history.map((message) => message.id);
      assert.equal(new Set(ids).size, ids.length);
      assert.equal(ids.filter((id) => id === overSocket.id || id === httpFirst.body.id).length, 2);
    });

    test('bad input gets the room socket’s codes and stores nothing', async () => {
      const before = (await roomHistory(server.url, alice.session, roomId)).length;
      const invalid = [
        {},
        { text: 5 },
        { text: null },
        { text: ['x'] },
        { text: 'ok', client_id: 7 },
        { text: 'ok', client_id: '' },
        { text: 'ok', client_id: 'x'.repeat(65) },
        { text: 'ok', client_id: '\ud800' },
        { text: 'ok', client_id: 'a\u0000b' },
        [],
        'text',
        null,
      ];
      for (const body of invalid) expectError(await post(alice, roomId, body), 422, 'invalid_json');
      const raw = await request(server.url, 'POST', `/v1/rooms/${roomId}/messages`, {
        session: alice.session,
        raw: '{"text":',
      });
      expectError(raw, 422, 'invalid_json');
      for (const text of ['', '   ', '\n\t', '\ud800x']) {
        expectError(await post(alice, roomId, { text }), 422, 'invalid_message');
      }
      expectError(await post(alice, roomId, { text: 'x'.repeat(11) }), 422, 'message_too_long');
      assert.equal((await post(alice, roomId, { text: 'я'.repeat(10) })).status, 200);
      assert.equal((await roomHistory(server.url, alice.session, roomId)).length, before + 1);
    });

    test('rooms the caller cannot see are room_not_found; no session is 401', async () => {
      const stranger = await registerUser(server.url);
      const body = { text: 'hi' };
      expectError(await post(stranger, roomId, body), 422, 'room_not_found');
      for (const id of ['0', '-1', '1.5', 'abc', '99999999999999999999', String(roomId + 1000)]) {
        expectError(await post(alice, id, body), 422, 'room_not_found');
      }
      const anonymous = await request(server.url, 'POST', `/v1/rooms/${roomId}/messages`, { body });
      expectError(anonymous, 401, 'unauthorized');
    });
  });

  describe(`HTTP send rate (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({ backend, env: { WS_MESSAGES_PER_SECOND: String(PER_SECOND) } });
    });
    after(() => server.close());

    test('past the per-second limit of a session: 429 with Retry-After, other sessions unaffected', async () => {
      const [alice, bob] = [await registerUser(server.url), await registerUser(server.url)];
      const roomId = await createRoom(server.url, alice, [bob]);
      // However the requests fall into one-second windows, at most 2 × PER_SECOND are accepted.
      const replies = await Promise.all(
        Array.from({ length: 3 * PER_SECOND }, (_, n) =>
          request(server.url, 'POST', `/v1/rooms/${roomId}/messages`, {
            session: alice.session,
            body: { text: `n${n}` },
          }),
        ),
      );
      const refused = replies.filter((reply) => reply.status === 429);
      assert.ok(refused.length >= PER_SECOND);
      for (const reply of refused) {
        expectError(reply, 429, 'too_many_requests');
        assert.match(reply.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      }
      const stored = await roomHistory(server.url, alice.session, roomId);
      assert.equal(stored.length, replies.length - refused.length);
      assert.ok(await sendMessage(server.url, bob, roomId, 'bob is free'));
    });
  });
}
